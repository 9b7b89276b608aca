"""The invisible mark itself: a key-derived, smooth (low-frequency) luminance field per segment.

Segment ``i`` of an item gets its own field ``P_i`` (zero mean, unit RMS), built from a coarse grid
of pseudo-random values (HMAC of the forensic key, the item's public id and ``i``) bicubically
upsampled to the frame. Variant A adds ``+strength * P_i`` to every luma sample of the segment,
variant B adds ``-strength * P_i``. A field that changes only over a sixth of the picture survives
what leakers do to video: downscaling keeps it (it is defined in normalised coordinates), a lower
bitrate keeps it (encoders spend their bits on low frequencies first), and it is constant within a
segment, so an encoder carries it in the first frame and copies it forward.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

import numpy as np
from PIL import Image

GRID = (8, 6)  # coarse cells across x, y: low enough to survive 480p/low bitrate, fine enough to be unlike content
DEFAULT_STRENGTH = 2.0  # luma levels RMS: the mark alone ~42 dB PSNR; with the segment encode (crf 18) >= 38 dB


def _seed(key: str, item_ref: str, segment: int, label: str) -> int:
    digest = hmac.new(key.encode(), f"video-mark.v1|{label}|{item_ref}|{segment}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def field(key: str, item_ref: str, segment: int, width: int, height: int, label: str = "mark") -> np.ndarray:
    """``P_i`` at ``width`` x ``height`` (float32, zero mean, unit RMS). ``label`` != "mark" gives decoys
    (patterns nobody was marked with) for estimating the detector's noise."""
    rng = np.random.default_rng(_seed(key, item_ref, segment, label))
    coarse = rng.standard_normal((GRID[1], GRID[0])).astype(np.float32)
    smooth = np.asarray(Image.fromarray(coarse, mode="F").resize((width, height), Image.Resampling.BICUBIC))
    smooth = smooth - smooth.mean()
    out = (smooth / (float(np.sqrt((smooth ** 2).mean())) or 1.0)).astype(np.float32)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=8192)
def small_field(key: str, item_ref: str, segment: int, width: int, height: int, label: str = "mark") -> np.ndarray:
    """``field`` at the detector's analysis size (a few KB each), cached: detection asks for the same patterns
    and decoys for every frame of a segment. Full-size fields are never cached (megabytes each)."""
    return field(key, item_ref, segment, width, height, label)


def apply(luma: np.ndarray, pattern: np.ndarray, sign: int, strength: float) -> np.ndarray:
    """``luma`` (uint8 plane) plus ``sign * strength * pattern``, rounded and clipped to video range."""
    marked = luma.astype(np.float32) + (sign * strength) * pattern
    return np.clip(np.rint(marked), 16, 235).astype(np.uint8)


def offsets(pattern: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """The rounded luma change for A and for B (int16): adding an integer offset to integer luma is the same
    as rounding ``luma + change``, and per frame it is one add and one clip instead of float maths."""
    step = np.rint(strength * pattern).astype(np.int16)
    return step, -step


def apply_offset(luma: np.ndarray, offset: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``luma + offset`` clipped to video range, written into ``out`` (a uint8 plane)."""
    widened = luma.astype(np.int16)
    widened += offset
    np.clip(widened, 16, 235, out=widened)
    out[...] = widened
    return out


def psnr(reference: np.ndarray, other: np.ndarray) -> float:
    mse = float(np.mean((reference.astype(np.float64) - other.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
