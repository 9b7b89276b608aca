"""Forensic embedding: add the delivery's tile, repeated over the whole final, to its luminance.

The per-image part (how strong the mark may be where) is computed once per final and kept in fixed
point at full resolution; the per-delivery part is one 256x256 tile and a few integer array passes.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageChops

from fansub.media.watermark import codec, pattern
from fansub.media.watermark.filters import box_mean

# Gray levels of mark per unit of pattern: floor in flat areas, ceiling in busy ones, and a cap on the
# overall RMS so the luminance PSNR of the forensic mark stays >= ~40 dB.
STRENGTH_MIN = 0.8
STRENGTH_MAX = 4.5
STRENGTH_GAIN = 0.35
TARGET_RMS = 2.6
# Fixed point: tile x TILE_ONE, strength x STRENGTH_ONE, product >> SHIFT = gray levels.
TILE_ONE = 32
TILE_CLIP = 6.0  # pattern peaks beyond 6 sigma are clipped (rare) so int16 never overflows
STRENGTH_ONE = 16
SHIFT = 9  # log2(TILE_ONE * STRENGTH_ONE)
# Pictures smaller than this (thumbnails, posters, small finals) get a half-size tile so that they still
# hold enough whole tiles for the lattice search and the fold.
SMALL_PICTURE = 800
SMALL_TILE_PX = pattern.TILE_PX // 2


def tile_px_for(size: tuple[int, int]) -> int:
    return pattern.TILE_PX if max(size) >= SMALL_PICTURE else SMALL_TILE_PX


def strength_map(image: Image.Image) -> np.ndarray:
    """Per-image (not per-delivery) mark amplitude on the quarter-resolution grid: stronger where busy."""
    width, height = image.size
    qw, qh = math.ceil(width / pattern.UPSAMPLE), math.ceil(height / pattern.UPSAMPLE)
    luma = image.convert("L").resize((qw, qh), Image.BOX)
    y = np.asarray(luma, dtype=np.float32)
    high = y - box_mean(y, 2)
    activity = np.sqrt(box_mean(high * high, 4))
    strength = np.clip(STRENGTH_MIN + STRENGTH_GAIN * activity, STRENGTH_MIN, STRENGTH_MAX)
    rms = float(np.sqrt(np.mean(strength**2)))
    if rms > TARGET_RMS:
        strength *= TARGET_RMS / rms
    return strength.astype(np.float32)


def strength_fixed(strength: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The quarter-resolution strength map upsampled to the final's size, uint8 fixed point (1 byte/pixel)."""
    width, height = size
    small = Image.fromarray(np.clip(np.rint(strength * STRENGTH_ONE), 0, 255).astype(np.uint8), "L")
    box = (0.0, 0.0, width / pattern.UPSAMPLE, height / pattern.UPSAMPLE)
    return np.array(small.resize((width, height), Image.BILINEAR, box=box), dtype=np.uint8)


def tile_fixed(delivery_id: int, key: str, size: int = pattern.TILE_PX) -> np.ndarray:
    """The delivery's size x size pattern (TILE_PX, or SMALL_TILE_PX for small pictures), int16 fixed point."""
    bits = codec.encode(delivery_id, pattern.layout(key).scramble)
    tile = pattern.tile_for_bits(key, bits, size)
    return np.rint(np.clip(tile, -TILE_CLIP, TILE_CLIP) * TILE_ONE).astype(np.int16)


def delta(strength: np.ndarray, tile: np.ndarray) -> np.ndarray:
    """Signed luminance change (int16, gray levels) = tile repeated over the image x strength."""
    height, width = strength.shape
    reps = (math.ceil(height / tile.shape[0]), math.ceil(width / tile.shape[1]))
    field = np.tile(tile, reps)[:height, :width]
    field *= strength
    field += 1 << (SHIFT - 1)
    field >>= SHIFT
    return field


def add_to_luma(luma: Image.Image, change: np.ndarray) -> Image.Image:
    """luma + change, clipped to 0..255 ('L')."""
    offset = change + 128  # |change| <= TILE_CLIP * STRENGTH_MAX, far below 128: fits a byte
    return ImageChops.add(luma, Image.fromarray(offset.astype(np.uint8), "L"), 1.0, -128)


def embed_ycc(image: Image.Image, delivery_id: int, key: str) -> Image.Image:
    """YCbCr copy of the image with the forensic mark only (library use, tests, PSNR checks)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    luma, cb, cr = rgb.convert("YCbCr").split()
    change = delta(strength_fixed(strength_map(rgb), rgb.size), tile_fixed(delivery_id, key, tile_px_for(rgb.size)))
    return Image.merge("YCbCr", (add_to_luma(luma, change), cb, cr))


def embed(image: Image.Image, delivery_id: int, key: str) -> Image.Image:
    """RGB copy of the image with the forensic mark only."""
    return embed_ycc(image, delivery_id, key).convert("RGB")
