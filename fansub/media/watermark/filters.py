"""Small numpy filters (no scipy): box means with edge replication."""

from __future__ import annotations

import numpy as np


def _box_axis(a: np.ndarray, radius: int, axis: int) -> np.ndarray:
    pad = [(0, 0)] * a.ndim
    pad[axis] = (radius + 1, radius)
    padded = np.pad(a, pad, mode="edge")
    csum = np.cumsum(padded, axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = [slice(None)] * a.ndim
    lo = [slice(None)] * a.ndim
    hi[axis] = slice(2 * radius + 1, 2 * radius + 1 + n)  # slices are views: no index arrays, no copies
    lo[axis] = slice(0, n)
    out = csum[tuple(hi)] - csum[tuple(lo)]
    out *= 1.0 / (2 * radius + 1)
    return out.astype(np.float32)


def box_mean(a: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1) x (2r+1) window, edges replicated."""
    return _box_axis(_box_axis(a, radius, 0), radius, 1)


def box_mean_wrap(a: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1) x (2r+1) window on a torus (for spectra, which are periodic)."""
    out = a.astype(np.float64)
    for axis in (0, 1):
        acc = np.zeros_like(out)
        for shift in range(-radius, radius + 1):
            acc += np.roll(out, shift, axis=axis)
        out = acc / (2 * radius + 1)
    return out.astype(np.float32)
