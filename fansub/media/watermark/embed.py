"""Forensic embedding: add the delivery-id tile, repeated over the whole final, to its luminance."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageChops

from fansub.media.watermark import codec, pattern
from fansub.media.watermark.filters import box_mean

# Gray levels of mark per unit of pattern: floor in flat areas, ceiling in busy ones, and a cap on the
# overall RMS so the luminance PSNR of the forensic mark stays >= ~40 dB.
STRENGTH_MIN = 1.2
STRENGTH_MAX = 4.5
STRENGTH_GAIN = 0.35
TARGET_RMS = 2.6


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


def delta_image(size: tuple[int, int], strength: np.ndarray, delivery_id: int, key: str) -> Image.Image:
    """Signed luminance change as an 'L' image offset by 128, full resolution."""
    width, height = size
    qh, qw = strength.shape
    bits = codec.encode(delivery_id, pattern.layout(key).scramble)
    tile = pattern.tile_for_bits(key, bits).astype(np.float32)
    reps = (math.ceil(qh / pattern.TILE_Q), math.ceil(qw / pattern.TILE_Q))
    field = np.tile(tile, reps)[:qh, :qw] * strength
    small = Image.fromarray(np.clip(np.rint(field + 128.0), 0, 255).astype(np.uint8), "L")
    box = (0.0, 0.0, width / pattern.UPSAMPLE, height / pattern.UPSAMPLE)
    return small.resize((width, height), Image.BILINEAR, box=box)


def embed(image: Image.Image, delivery_id: int, key: str, strength: np.ndarray | None = None) -> Image.Image:
    """RGB copy of the image with the forensic mark; equal change on R, G, B = change of luminance only."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    if strength is None:
        strength = strength_map(rgb)
    delta = delta_image(rgb.size, strength, delivery_id, key)
    return ImageChops.add(rgb, Image.merge("RGB", (delta, delta, delta)), 1.0, -128)
