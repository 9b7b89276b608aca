"""Find the forensic tile's lattice in a leaked picture: two basis vectors, i.e. the affine map of the tile.

The mark is one tile repeated, so the autocorrelation of the (whitened) picture peaks at every lattice
point n*v1 + m*v2. Rotation, scaling, aspect change and shear all act on the lattice linearly, so the
two shortest lattice vectors, read in 2-D (not only along the axes), give the whole geometry up to a
translation (found later by the sync pattern) and a mirror (tried both ways by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAG_MAX = 340  # longest lattice vector searched (a 256-px tile shown at ~120 % plus 10 % aspect)
LAG_MIN = 44  # shortest: the tile at 25 % scale, squeezed 10 %, is >= ~56 px
PEAKS = 24
PAIRS = 3
AXIS_TOLERANCE = np.deg2rad(22)  # v1 within this of the x axis, v2 of the y axis (rotation <= 5 deg + shear)
SQUARE_TOLERANCE = np.deg2rad(12)  # v1 and v2 within this of perpendicular


@dataclass(frozen=True)
class Lattice:
    v1: np.ndarray  # (x, y) pixels: the tile's x axis in the picture, x component > 0
    v2: np.ndarray  # the tile's y axis, y component > 0
    score: float

    @property
    def period(self) -> float:
        return float(np.sqrt(abs(np.linalg.det(np.stack([self.v1, self.v2])))))


def autocorrelation(white: np.ndarray, lag_max: int) -> np.ndarray:
    """Overlap-normalised linear autocorrelation, lags -lag_max..lag_max (rows, dy) x 0..lag_max (cols, dx)."""
    height, width = white.shape
    ph, pw = height + lag_max + 1, width + lag_max + 1
    spectrum = np.fft.rfft2(white, s=(ph, pw))
    auto = np.fft.irfft2(spectrum.real**2 + spectrum.imag**2, s=(ph, pw))
    rows = np.r_[ph - lag_max : ph, 0 : lag_max + 1]
    window = auto[rows][:, : lag_max + 1]
    dy = np.abs(np.arange(-lag_max, lag_max + 1))
    dx = np.arange(lag_max + 1)
    overlap = np.maximum(height - dy, 1)[:, None] * np.maximum(width - dx, 1)[None, :]
    window = window / overlap
    return (window / window[lag_max, 0]).astype(np.float32)


def _local_maxima(auto: np.ndarray, lag_max: int) -> list[tuple[float, int, int]]:
    padded = np.pad(auto, 2, mode="constant", constant_values=-np.inf)
    h, w = auto.shape
    neighbours = np.max(
        [padded[2 + a : 2 + a + h, 2 + b : 2 + b + w] for a in range(-2, 3) for b in range(-2, 3) if a or b], axis=0
    )
    dy = np.arange(-lag_max, lag_max + 1)[:, None]
    dx = np.arange(lag_max + 1)[None, :]
    radius = np.hypot(dy, dx)
    ok = (auto > neighbours) & (radius >= LAG_MIN) & (radius <= lag_max) & ((dx > 0) | (dy > 0))
    rows, cols = np.nonzero(ok)
    values = auto[rows, cols]
    order = np.argsort(-values)[:PEAKS]
    return [(float(values[i]), int(rows[i]) - lag_max, int(cols[i])) for i in order]


def _value(auto: np.ndarray, lag_max: int, vec: np.ndarray) -> float:
    """Autocorrelation near a lag (best of the 3x3 neighbourhood); lags are symmetric: A(-v) = A(v)."""
    x, y = float(vec[0]), float(vec[1])
    if x < 0:
        x, y = -x, -y
    cx, cy = int(round(x)), int(round(y))
    best = -np.inf
    for a in (-1, 0, 1):
        for b in (-1, 0, 1):
            r, c = cy + a + lag_max, cx + b
            if 0 <= r < auto.shape[0] and 0 <= c < auto.shape[1]:
                best = max(best, float(auto[r, c]))
    return best if best > -np.inf else 0.0


def _subpixel(auto: np.ndarray, lag_max: int, vec: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The local maximum within 2 px of a lag, refined by a parabola on each axis."""
    x, y = float(vec[0]), float(vec[1])
    sign = 1.0
    if x < 0:
        x, y, sign = -x, -y, -1.0
    cx, cy = int(round(x)), int(round(y)) + lag_max
    h, w = auto.shape
    if not (3 <= cy < h - 3 and 3 <= cx < w - 3):
        return None
    patch = auto[cy - 2 : cy + 3, cx - 2 : cx + 3]
    py, px = divmod(int(np.argmax(patch)), 5)
    r, c = cy - 2 + py, cx - 2 + px
    if not (1 <= r < h - 1 and 1 <= c < w - 1):
        return None

    def refine(m1: float, c0: float, p1: float) -> float:
        denom = m1 - 2 * c0 + p1
        return float(np.clip(0.5 * (m1 - p1) / denom, -0.5, 0.5)) if denom < 0 else 0.0

    fy = refine(auto[r - 1, c], auto[r, c], auto[r + 1, c])
    fx = refine(auto[r, c - 1], auto[r, c], auto[r, c + 1])
    return sign * np.array([c + fx, r - lag_max + fy]), float(auto[r, c])


def _refine(auto: np.ndarray, lag_max: int, vec: np.ndarray) -> np.ndarray:
    """Least-squares fit of v through its harmonics k*v (k = 1, 2, ...): far peaks pin the period down."""
    num, den = np.zeros(2), 0.0
    k = 1
    while k * np.linalg.norm(vec) <= lag_max - 3:
        found = _subpixel(auto, lag_max, k * vec)
        if found is not None and found[1] > 0:
            pos, weight = found
            num += weight * k * pos
            den += weight * k * k
            vec = num / den  # later harmonics are searched around the refined vector
        k += 1
    return num / den if den > 0 else vec


def find(white: np.ndarray) -> list[Lattice]:
    """Up to PAIRS candidate lattices, best first (the tile's, or one of its sub/super-lattices)."""
    lag_max = int(min(LAG_MAX, 0.75 * min(white.shape)))
    if lag_max < LAG_MIN + 8:
        return []
    auto = autocorrelation(white, lag_max)
    peaks = _local_maxima(auto, lag_max)
    horizontal, vertical = [], []
    for value, dy, dx in peaks:
        vec = np.array([dx, dy], dtype=float)
        angle = np.arctan2(dy, dx)  # in (-90, 90] degrees since dx >= 0
        if abs(angle) <= AXIS_TOLERANCE:
            horizontal.append((value, vec))
        if abs(abs(angle) - np.pi / 2) <= AXIS_TOLERANCE:
            vertical.append((value, vec if dy > 0 else -vec))
    pairs = []
    for _, v1 in horizontal[:5]:
        for _, v2 in vertical[:5]:
            ratio = np.linalg.norm(v1) / np.linalg.norm(v2)
            skew = abs(np.arctan2(v1[1], v1[0]) - (np.arctan2(v2[1], v2[0]) - np.pi / 2))
            if not (0.75 <= ratio <= 1.33 and skew <= SQUARE_TOLERANCE):
                continue
            score = sum(_value(auto, lag_max, v) for v in (v1, v2, v1 + v2, v1 - v2))
            pairs.append((score, v1, v2))
    pairs.sort(key=lambda p: -p[0])
    out: list[Lattice] = []
    for score, v1, v2 in pairs:
        if any(np.allclose(v1, lat.v1, atol=2.5) and np.allclose(v2, lat.v2, atol=2.5) for lat in out):
            continue
        out.append(Lattice(_refine(auto, lag_max, v1), _refine(auto, lag_max, v2), float(score)))
        if len(out) == PAIRS:
            break
    return out
