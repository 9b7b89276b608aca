"""Find the forensic tile's lattice in a leaked picture: two basis vectors, i.e. the affine map of the tile.

The mark is one tile repeated, so the autocorrelation of the (whitened) picture peaks at every lattice
point n*v1 + m*v2. Rotation, scaling, aspect change and shear all act on the lattice linearly, so the
two shortest lattice vectors, read in 2-D (not only along the axes), give the whole geometry up to a
translation (found later by the sync pattern) and a mirror (tried both ways by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAG_MAX = 360  # autocorrelation computed up to here (harmonics of the period included)
LAG_MIN = 44  # shortest period searched; the caller searches a half-size copy for periods above PERIOD_TOP
PERIOD_TOP = 180
ROTATION_MAX = np.deg2rad(7.0)
ROTATION_STEP = np.deg2rad(0.2)
LENGTH_STEP = 0.5
AXIS_CANDIDATES = 4
PAIRS = 2
SQUARE_TOLERANCE = np.deg2rad(12)  # v1 and v2 within this of perpendicular
RIDGE = 20  # half-width of the running mean removed along the axes' autocorrelation ridges


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


def _suppress_axis_ridges(auto: np.ndarray, lag_max: int) -> None:
    """Straight horizontal or vertical structures (horizons, frames, JPEG block rows) correlate with
    themselves all along an axis: remove that slowly varying ridge so that only lattice peaks stand out."""
    kernel = np.ones(2 * RIDGE + 1) / (2 * RIDGE + 1)
    for r in range(lag_max - 1, lag_max + 2):
        auto[r, :] -= np.convolve(np.pad(auto[r, :], RIDGE, mode="edge"), kernel, mode="valid")
    for c in range(2):
        auto[:, c] -= np.convolve(np.pad(auto[:, c], RIDGE, mode="edge"), kernel, mode="valid")


def _lookup(auto: np.ndarray, lag_max: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Best autocorrelation in the 3x3 neighbourhood of each lag (x, y); 0 outside; A(-v) = A(v)."""
    flip = x < 0
    x, y = np.where(flip, -x, x), np.where(flip, -y, y)
    c, r = np.rint(x).astype(int) + 1, np.rint(y).astype(int) + lag_max + 1
    padded = np.pad(auto, 1, mode="constant", constant_values=-1.0)
    inside = (r >= 1) & (r < padded.shape[0] - 1) & (c >= 1) & (c < padded.shape[1] - 1)
    r, c = np.where(inside, r, 1), np.where(inside, c, 1)
    best = np.max([padded[r + a, c + b] for a in (-1, 0, 1) for b in (-1, 0, 1)], axis=0)
    return np.where(inside, best, 0.0)


def _axis_search(
    auto: np.ndarray, lag_max: int, vertical: bool, periods: tuple[float, float]
) -> list[tuple[float, np.ndarray]]:
    """Best (length, angle) of one basis vector near an axis, scored by its first harmonics' mean."""
    lengths = np.arange(periods[0], min(periods[1], lag_max) + 1e-9, LENGTH_STEP)
    angles = np.arange(-ROTATION_MAX, ROTATION_MAX + 1e-9, ROTATION_STEP)
    ll, aa = np.meshgrid(lengths, angles, indexing="ij")
    ux, uy = (-np.sin(aa), np.cos(aa)) if vertical else (np.cos(aa), np.sin(aa))
    first = _lookup(auto, lag_max, ll * ux, ll * uy)
    total, count = first.copy(), np.ones_like(ll)
    for k in (2, 3):
        ok = k * ll <= lag_max - 2
        # capped by the first peak: half a period would otherwise score with the period's own peak
        total += np.where(ok, np.minimum(_lookup(auto, lag_max, k * ll * ux, k * ll * uy), first), 0.0)
        count += ok
    score = total / count
    padded = np.pad(score, 1, mode="constant", constant_values=-np.inf)
    h, w = score.shape
    neighbours = np.max(
        [padded[1 + a : 1 + a + h, 1 + b : 1 + b + w] for a in (-1, 0, 1) for b in (-1, 0, 1) if a or b], axis=0
    )
    rows, cols = np.nonzero((score >= neighbours) & (score > 0))  # >=: the 3x3 lookup makes small plateaus
    order = np.argsort(-score[rows, cols])
    out: list[tuple[float, np.ndarray]] = []
    for i in order:
        vec = np.array([ll[rows[i], cols[i]] * ux[rows[i], cols[i]], ll[rows[i], cols[i]] * uy[rows[i], cols[i]]])
        if any(np.linalg.norm(vec - other) < 3.0 for _, other in out):
            continue
        out.append((float(score[rows[i], cols[i]]), vec))
        if len(out) == AXIS_CANDIDATES:
            break
    return out


def _value(auto: np.ndarray, lag_max: int, vec: np.ndarray) -> float:
    """Autocorrelation near a lag (best of the 3x3 neighbourhood); lags are symmetric: A(-v) = A(v)."""
    x, y = float(vec[0]), float(vec[1])
    if x < 0:
        x, y = -x, -y
    cx, cy = round(x), round(y)
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
    cx, cy = round(x), round(y) + lag_max
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


def _fundamental(auto: np.ndarray, lag_max: int, floor: float, vec: np.ndarray) -> np.ndarray:
    """The shortest lattice vector along vec: when the picture is mostly mark, every lattice point peaks
    about as high as the first, so a multiple can outrank it."""
    for k in (4, 3, 2):
        short = vec / k
        level = max(0.5 * _value(auto, lag_max, vec), floor)
        if np.linalg.norm(short) >= LAG_MIN * 0.9 and _value(auto, lag_max, short) >= level:
            found = _subpixel(auto, lag_max, short)
            return found[0] if found is not None else short
    return vec


def _max3(auto: np.ndarray) -> np.ndarray:
    padded = np.pad(auto, 1, mode="constant", constant_values=-1.0)
    h, w = auto.shape
    return np.max([padded[1 + a : 1 + a + h, 1 + b : 1 + b + w] for a in (-1, 0, 1) for b in (-1, 0, 1)], axis=0)


def _gather(best: np.ndarray, lag_max: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flip = x < 0
    x, y = np.where(flip, -x, x), np.where(flip, -y, y)
    c, r = np.rint(x).astype(int), np.rint(y).astype(int) + lag_max
    inside = (r >= 0) & (r < best.shape[0]) & (c >= 0) & (c < best.shape[1])
    return np.where(inside, best[np.where(inside, r, 0), np.where(inside, c, 0)], 0.0), inside


def _square_search(
    auto: np.ndarray, lag_max: int, periods: tuple[float, float], upright: bool = False
) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Joint search of near-perpendicular bases (period, rotation, aspect): the axis and diagonal peaks and
    the second harmonics pooled, which finds the lattice when no single peak stands out of the noise.
    upright: only unrotated square lattices (photometric leaks), far fewer hypotheses, so a weaker
    lattice still comes out on top."""
    best = _max3(auto)
    # Steps of about one pixel at the longest period: the 3x3 maximum tolerates the rest.
    lengths = np.arange(periods[0], min(periods[1], lag_max) + 1e-9, 1.0)
    angle_step = 1.0 / periods[1]
    angles = np.zeros(1) if upright else np.arange(-ROTATION_MAX, ROTATION_MAX + 1e-9, angle_step)
    aspects = np.ones(1) if upright else np.exp(np.arange(np.log(0.82), np.log(1.22) + 1e-9, angle_step))
    ll, aa, ss = np.meshgrid(lengths, angles, aspects, indexing="ij", sparse=False)
    v1 = (ll * np.cos(aa), ll * np.sin(aa))
    v2 = (-ss * ll * np.sin(aa), ss * ll * np.cos(aa))
    first1, _ = _gather(best, lag_max, *v1)
    first2, _ = _gather(best, lag_max, *v2)
    total = first1 + first2
    weight = np.full(ll.shape, 2.0, dtype=np.float32)
    for sx, sy in ((1, 1), (1, -1)):
        value, ok = _gather(best, lag_max, v1[0] + sx * v2[0] * sy, v1[1] + sx * v2[1] * sy)
        total += 0.5 * value
        weight += 0.5 * ok
    for first, vec in ((first1, v1), (first2, v2)):
        value, ok = _gather(best, lag_max, 2 * vec[0], 2 * vec[1])
        total += np.where(ok, np.minimum(value, first), 0.0)  # capped: half a period must not win
        weight += ok
    score = (total / weight).ravel()
    top = np.argpartition(-score, 400)[:400] if score.size > 400 else np.arange(score.size)
    keep = 1 if upright else PAIRS
    out: list[tuple[float, np.ndarray, np.ndarray]] = []
    for i in top[np.argsort(-score[top])]:
        a = np.array([v1[0].flat[i], v1[1].flat[i]])
        b = np.array([v2[0].flat[i], v2[1].flat[i]])
        if any(np.linalg.norm(a - o1) < 3 and np.linalg.norm(b - o2) < 3 for _, o1, o2 in out):
            continue
        out.append((float(score[i]), a, b))
        if len(out) == keep:
            break
    return out


def find(white: np.ndarray, periods: tuple[float, float] = (LAG_MIN, PERIOD_TOP)) -> list[Lattice]:
    """A few candidate lattices with periods in the given range (pixels), best first."""
    lag_max = int(min(LAG_MAX, 0.75 * min(white.shape)))
    if lag_max < LAG_MIN + 8:
        return []
    auto = autocorrelation(white, lag_max)
    _suppress_axis_ridges(auto, lag_max)
    dy, dx = np.meshgrid(np.arange(-lag_max, lag_max + 1), np.arange(lag_max + 1), indexing="ij")
    ring = auto[np.hypot(dy, dx) >= LAG_MIN]
    floor = 5.0 * 1.4826 * float(np.median(np.abs(ring - np.median(ring))))  # a peak this high is no noise
    horizontal = [(v, _fundamental(auto, lag_max, floor, u)) for v, u in _axis_search(auto, lag_max, False, periods)]
    vertical = [(v, _fundamental(auto, lag_max, floor, u)) for v, u in _axis_search(auto, lag_max, True, periods)]
    pairs = []
    for h_score, v1 in horizontal:
        for v_score, v2 in vertical:
            ratio = np.linalg.norm(v1) / np.linalg.norm(v2)
            skew = abs(np.arctan2(v1[1], v1[0]) - (np.arctan2(v2[1], v2[0]) - np.pi / 2))
            if not (0.8 <= ratio <= 1.25 and skew <= SQUARE_TOLERANCE):
                continue
            xs, ys = np.array([v1[0] + v2[0], v1[0] - v2[0]]), np.array([v1[1] + v2[1], v1[1] - v2[1]])
            diag = _lookup(auto, lag_max, xs, ys)
            pairs.append((h_score + v_score + float(diag.sum()) / 2, v1, v2))
    pairs.sort(key=lambda p: -p[0])
    out: list[Lattice] = []
    found = pairs[:PAIRS] + _square_search(auto, lag_max, periods)
    found += _square_search(auto, lag_max, periods, upright=True)
    for score, v1, v2 in found:
        v1, v2 = _refine(auto, lag_max, v1), _refine(auto, lag_max, v2)
        if not any(np.allclose(v1, o.v1, atol=2) and np.allclose(v2, o.v2, atol=2) for o in out):
            out.append(Lattice(v1, v2, float(score)))
    return out
