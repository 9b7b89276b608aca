"""Key-derived layout of the forensic tile: which DFT bins carry sync and which carry payload chips.

Everything here depends only on the key, never on a delivery id, so it is built once per process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from fansub.media.watermark import codec

# The tile is designed on a quarter-resolution grid: TILE_Q x TILE_Q cells stand for
# TILE_PX x TILE_PX pixels of the final.
TILE_Q = 64
UPSAMPLE = 4
TILE_PX = TILE_Q * UPSAMPLE
# Ring of DFT frequencies (in cycles per tile) that carries the mark. Low enough to survive a 50 %
# downscale plus JPEG q70, high enough to stay clear of the image's strongest (lowest) frequencies.
RING_MIN = 10.0
RING_MAX = 26.0
SYNC_SHARE = 3  # every third bin of the ring (by a key-derived order) is a sync bin


@dataclass(frozen=True)
class Layout:
    """Bin coordinates (rows = ky index, cols = kx index in rfft2 layout) and reference phases."""

    sync_rows: np.ndarray
    sync_cols: np.ndarray
    sync_ref: np.ndarray  # unit complex, one per sync bin
    msg_rows: np.ndarray
    msg_cols: np.ndarray
    msg_ref: np.ndarray  # unit complex, one per payload bin
    chip_bit: np.ndarray  # for each chip (2 per payload bin: real, imaginary) the coded bit it carries
    scramble: np.ndarray  # key-derived bit mask XOR-ed over the payload so id 1 is not all zeros
    sync_tile: np.ndarray  # spatial sync pattern alone, unit RMS share, TILE_Q x TILE_Q


def _rng(key: str, purpose: str) -> np.random.Generator:
    digest = hashlib.sha256(f"fansub-forensic-v1|{purpose}|{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def ring_bins() -> tuple[np.ndarray, np.ndarray]:
    """Half-plane rfft2 bins inside the ring, excluding both axes (kx=0 / ky=0 lines are image-edge noise)."""
    ky = np.fft.fftfreq(TILE_Q, d=1.0 / TILE_Q)
    kx = np.arange(TILE_Q // 2 + 1, dtype=float)
    ky_grid, kx_grid = np.meshgrid(ky, kx, indexing="ij")
    radius = np.hypot(ky_grid, kx_grid)
    inside = (radius >= RING_MIN) & (radius <= RING_MAX) & (kx_grid > 0) & (ky_grid != 0)
    # A tile at 50 % scale spans 16 JPEG blocks: block edges fold coherently into bins 16 and 32.
    inside &= (kx_grid % 16 != 0) & (np.abs(ky_grid) % 16 != 0)
    rows, cols = np.nonzero(inside)
    return rows, cols


@lru_cache(maxsize=8)
def layout(key: str) -> Layout:
    rows, cols = ring_bins()
    rng = _rng(key, "layout")
    order = rng.permutation(len(rows))
    rows, cols = rows[order], cols[order]
    is_sync = (np.arange(len(rows)) % SYNC_SHARE) == 0
    sync_rows, sync_cols = rows[is_sync], cols[is_sync]
    msg_rows, msg_cols = rows[~is_sync], cols[~is_sync]
    sync_ref = np.exp(2j * np.pi * rng.random(len(sync_rows)))
    msg_ref = np.exp(2j * np.pi * rng.random(len(msg_rows)))
    n_chips = 2 * len(msg_rows)
    chip_bit = rng.permutation(np.arange(n_chips) % codec.CODED_BITS)
    scramble = rng.integers(0, 2, codec.PAYLOAD_BITS).astype(np.uint8)
    spectrum = np.zeros((TILE_Q, TILE_Q // 2 + 1), dtype=complex)
    spectrum[sync_rows, sync_cols] = sync_ref
    sync_tile = np.fft.irfft2(spectrum, s=(TILE_Q, TILE_Q))
    return Layout(
        sync_rows=sync_rows,
        sync_cols=sync_cols,
        sync_ref=sync_ref,
        msg_rows=msg_rows,
        msg_cols=msg_cols,
        msg_ref=msg_ref,
        chip_bit=chip_bit,
        scramble=scramble,
        sync_tile=sync_tile,
    )


def tile_for_bits(key: str, bits: np.ndarray, size: int = TILE_Q) -> np.ndarray:
    """Spatial size x size pattern (unit RMS) carrying sync + the given coded bits.

    The tile is band-limited, so rendering it straight at TILE_PX from its spectrum is exact
    interpolation and keeps it seamlessly periodic.
    """
    lay = layout(key)
    chips = 1.0 - 2.0 * bits[lay.chip_bit].astype(float)  # bit 0 -> +1, bit 1 -> -1
    n = len(lay.msg_rows)
    values = lay.msg_ref * (chips[:n] + 1j * chips[n:]) / np.sqrt(2.0)
    rows = np.concatenate([lay.sync_rows, lay.msg_rows])
    rows = np.where(rows > TILE_Q // 2, rows + size - TILE_Q, rows)  # negative ky keep their meaning
    cols = np.concatenate([lay.sync_cols, lay.msg_cols])
    spectrum = np.zeros((size, size // 2 + 1), dtype=complex)
    spectrum[rows, cols] = np.concatenate([lay.sync_ref, values])
    tile = np.fft.irfft2(spectrum, s=(size, size))
    return tile / np.sqrt(np.mean(tile**2))
