"""Forensic detection: find the tile lattice (any rotation, scale, aspect, mirror), resample the picture so
the tile is a 64 px square, fold, find the tile offset, then read the payload blind (CRC) or against
candidate delivery ids (informed)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from fansub.media.watermark import codec, lattice, pattern
from fansub.media.watermark.filters import box_mean

# Lattice search runs on a picture at most this large. A 256-px tile on finals up to ~8,000 px keeps a
# period >= 64 px here, and leaks smaller than this are never reduced (no dead zone just above it).
WORK_MAX = 2048
# Cycles/pixel kept for the lattice search: the tile's ring at periods LAG_MIN..PERIOD_TOP. Longer periods
# are searched on a half-size copy, so every period from ~50 to ~360 px sees the same band.
# (picture reduction, period range in reduced pixels): each search keeps only the band where the tile's
# ring can be for those periods (less noise in the autocorrelation); together they cover ~44-360 px.
SEARCHES = ((1, (44.0, 90.0)), (1, (86.0, 180.0)), (2, (86.0, 180.0)))
JPEG_LINES = (0.125, 0.25, 0.375)  # JPEG 8x8 block edges and their harmonics put periodic energy on these lines
SYNC_Z_MIN = 5.5
PRESYNC_Z_MIN = 4.0
# Informed detection: a candidate's code correlation is ~N(0, 1) when its mark is absent, so with up to
# 10**6 candidates and a few sync attempts this keeps the chance of naming an innocent below ~1e-9.
CODE_Z_MIN = 7.5
FULL_TILE = 0.99  # coverage above which a resampled tile counts as whole (for the per-bin noise)
FILL_WINDOW = 8
FLAT_STD = 0.5  # grey levels: flatter than this is fill (rotation corners, UI borders, clipped highlights)
FILL_MARGIN = 12  # px around fill ignored too: the fill's straight edges would dominate the lattice search


@dataclass(frozen=True)
class Detection:
    delivery_id: int
    period: float
    offset: tuple[float, float]
    sync_z: float
    code_z: float  # agreement of the channel values with the payload's code, in noise units
    mirrored: bool = False
    informed: bool = False  # named by correlation against candidate ids rather than by a CRC-checked decode


def valid_area(y: np.ndarray) -> np.ndarray:
    """1 where the picture has texture, 0 on flat fill and near its edges.

    A leaker who rotates fills the corners, a screenshot adds UI borders: their long straight edges
    correlate with themselves along their direction and would outshine the lattice.
    """
    # 17x17 windows span several JPEG blocks: heavy compression leaves blocks flat, but not their mosaic.
    mean = box_mean(y, FILL_WINDOW)
    std = np.sqrt(np.maximum(box_mean(y * y, FILL_WINDOW) - mean * mean, 0.0))
    flat = (std < FLAT_STD).astype(np.float32)
    return (box_mean(flat, FILL_MARGIN) < 1e-3).astype(np.float32)


def _luma(image: Image.Image) -> tuple[np.ndarray, float]:
    gray = image.convert("L")
    scale = 1.0
    longest = max(gray.size)
    if longest > WORK_MAX:
        scale = WORK_MAX / longest
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.BOX)
    return np.asarray(gray, dtype=np.float32), scale


def _flat_spectrum(y: np.ndarray) -> np.ndarray:
    """The picture's spectrum divided by its local magnitude: photos' 1/f slope and texture flattened."""
    spectrum = np.fft.rfft2(y - y.mean())
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    # The smoothing window spans a fixed band of frequencies (~0.009 cycles/px), not a fixed number of bins:
    # narrower, and on a large picture it would hold a single line of the tile's spectrum and whiten the
    # mark away where it dominates (smooth or heavily compressed areas).
    radius = max(4, round(0.0045 * max(y.shape)))
    return (spectrum / np.sqrt(box_mean(power, radius) + 1e-3)).astype(np.complex64)


def _band(shape: tuple[int, int], low: float, high: float, jpeg_scale: float) -> np.ndarray:
    height, width = shape
    fy = np.abs(np.fft.fftfreq(height))[:, None]
    fx = np.abs(np.fft.rfftfreq(width))[None, :]
    radius = np.hypot(fy, fx)
    keep = (radius >= low) & (radius <= min(high, 0.49)) & (fx >= 1.5 / width) & (fy >= 1.5 / height)
    for line in JPEG_LINES:
        f = line / jpeg_scale  # the leak's block grid, seen at the working scale
        if f < 0.5:
            keep &= (np.abs(fx - f) > 2.5 / width) & (np.abs(fy - f) > 2.5 / height)
    return keep


def _spatial(flat: np.ndarray, shape: tuple[int, int], keep: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Band-limited whitened picture with local contrast equalised and outliers (edges, text) clipped."""
    white = np.fft.irfft2(flat * keep, s=shape).astype(np.float32) * valid
    local = np.sqrt(box_mean(white * white, 12) + 1e-6)
    return np.clip(white / local, -3.0, 3.0) * valid


def to_tile_space(white: np.ndarray, valid: np.ndarray, basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Resample so the lattice (columns of basis, in pixels) becomes TILE_Q-px squares; also the coverage."""
    q = pattern.TILE_Q
    height, width = white.shape
    inverse = np.linalg.inv(basis) * q
    corners = inverse @ np.array([[0, width, 0, width], [0, 0, height, height]], dtype=float)
    low = np.floor(corners.min(axis=1))
    size = np.ceil(corners.max(axis=1) - low).astype(int) + 1
    forward = basis / q
    shift = forward @ low
    data = (forward[0, 0], forward[0, 1], shift[0], forward[1, 0], forward[1, 1], shift[1])
    out_size = (int(size[0]), int(size[1]))
    res = Image.fromarray(white, "F").transform(out_size, Image.AFFINE, data, Image.BILINEAR)
    ones = Image.fromarray(valid, "F").transform(out_size, Image.AFFINE, data, Image.BILINEAR)
    return np.asarray(res, dtype=np.float32), np.asarray(ones, dtype=np.float32)


def fold(res: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Spectrum of the coverage-weighted average over all tile positions."""
    q = pattern.TILE_Q
    new_h, new_w = res.shape
    nh, nw = math.ceil(new_h / q), math.ceil(new_w / q)
    acc = np.zeros((nh * q, nw * q), dtype=np.float64)
    cnt = np.zeros_like(acc)
    acc[:new_h, :new_w] = res * cover
    cnt[:new_h, :new_w] = cover
    total = acc.reshape(nh, q, nw, q).sum(axis=(0, 2))
    count = cnt.reshape(nh, q, nw, q).sum(axis=(0, 2))
    return np.fft.rfft2(total / np.maximum(count, 1e-3))


def bin_noise(res: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Relative noise power of every tile bin.

    Every whole tile holds the same mark plus different image content, so the spread of a bin across
    tiles is that bin's noise: bins that the image's own texture crowds are trusted less.
    """
    q = pattern.TILE_Q
    fh, fw = res.shape[0] // q, res.shape[1] // q
    tiles = res[: fh * q, : fw * q].reshape(fh, q, fw, q).transpose(0, 2, 1, 3).reshape(-1, q, q)
    whole = cover[: fh * q, : fw * q].reshape(fh, q, fw, q).transpose(0, 2, 1, 3).reshape(-1, q * q).min(axis=1)
    tiles = tiles[whole >= FULL_TILE]
    if len(tiles) < 3:
        return np.ones((q, q // 2 + 1), dtype=np.float32)
    specs = np.fft.rfft2(tiles)
    dev = specs - specs.mean(axis=0)
    noise = box_mean(np.mean(dev.real**2 + dev.imag**2, axis=0).astype(np.float32), 1)
    return noise / float(np.median(noise)) + 1e-3


def _sync(tile_spec: np.ndarray, noise: np.ndarray, lay: pattern.Layout) -> tuple[float, float, float]:
    q = pattern.TILE_Q
    x = np.zeros_like(tile_spec)
    r, c = lay.sync_rows, lay.sync_cols
    x[r, c] = tile_spec[r, c] * np.conj(lay.sync_ref) / noise[r, c]
    corr = np.fft.irfft2(x, s=(q, q))
    idx = int(np.argmax(corr))
    dy, dx = divmod(idx, q)
    z = (corr[dy, dx] - corr.mean()) / (corr.std() + 1e-12)

    def refine(m1: float, c0: float, p1: float) -> float:
        denom = m1 - 2 * c0 + p1
        return 0.5 * (m1 - p1) / denom if denom < 0 else 0.0

    fy = refine(corr[(dy - 1) % q, dx], corr[dy, dx], corr[(dy + 1) % q, dx])
    fx = refine(corr[dy, (dx - 1) % q], corr[dy, dx], corr[dy, (dx + 1) % q])
    return dy + fy, dx + fx, float(z)


def _soft_bits(tile_spec: np.ndarray, noise: np.ndarray, lay: pattern.Layout, dy: float, dx: float) -> np.ndarray:
    q = pattern.TILE_Q
    ky = np.fft.fftfreq(q, d=1.0 / q)[lay.msg_rows]
    kx = lay.msg_cols.astype(float)
    rot = np.exp(2j * np.pi * (ky * dy + kx * dx) / q)
    weight = 1.0 / noise[lay.msg_rows, lay.msg_cols]
    values = tile_spec[lay.msg_rows, lay.msg_cols] * rot * np.conj(lay.msg_ref) * weight
    chips = np.concatenate([values.real, values.imag])
    chips /= np.sqrt(np.mean(np.concatenate([weight, weight]) * chips.size)) + 1e-12
    return np.bincount(lay.chip_bit, weights=chips, minlength=codec.CODED_BITS)


@dataclass(frozen=True)
class _Synced:
    soft: np.ndarray
    period: float
    offset: tuple[float, float]
    sync_z: float
    mirrored: bool


def _code_z(soft: np.ndarray, delivery_id: int, lay: pattern.Layout) -> float:
    expected = 1.0 - 2.0 * codec.encode(delivery_id, lay.scramble)
    return float(soft @ expected / (np.linalg.norm(soft) + 1e-12))


def _halve(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[0] // 2 * 2, a.shape[1] // 2 * 2
    return a[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _lattices(y: np.ndarray, flat: np.ndarray, valid: np.ndarray, scale: float) -> list[lattice.Lattice]:
    """Candidate lattices from every search (short periods at full size, long ones at half size)."""
    found: list[lattice.Lattice] = []
    halved: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    for factor, (low, high) in SEARCHES:
        if factor == 1:
            ys, fs, vs = y, flat, valid
        else:
            if halved is None:
                small = _halve(y)
                halved = (small, _flat_spectrum(small), (_halve(valid) >= 1.0).astype(np.float32))
            ys, fs, vs = halved
        keep = _band(ys.shape, pattern.RING_MIN * 0.9 / high / 1.1, pattern.RING_MAX * 1.05 * 1.1 / low, scale / factor)
        for lat in lattice.find(_spatial(fs, ys.shape, keep, vs), (low, high)):
            v1, v2 = lat.v1 * factor, lat.v2 * factor
            if not any(np.allclose(v1, o.v1, atol=3) and np.allclose(v2, o.v2, atol=3) for o in found):
                found.append(lattice.Lattice(v1, v2, lat.score))
    return found


def synced_candidates(image: Image.Image, key: str) -> Iterator[_Synced]:
    """Every lattice/handedness hypothesis whose sync pattern is found, lazily, best lattice first."""
    y, scale = _luma(image)
    flat = _flat_spectrum(y)
    valid = valid_area(y)
    lay = pattern.layout(key)
    rings: dict[tuple[int, int], np.ndarray] = {}
    for lat in sorted(_lattices(y, flat, valid, scale), key=lambda lat: -lat.score):
        basis = np.stack([lat.v1, lat.v2], axis=1)  # columns: tile x and y axes, in picture pixels
        sv = np.linalg.svd(basis, compute_uv=False)
        # Band edges on a 4 % grid: lattices of about the same period share one filtered picture.
        band = (math.floor(math.log(sv[0]) / 0.04), math.ceil(math.log(sv[1]) / 0.04))
        if band not in rings:
            low, high = math.exp(band[0] * 0.04), math.exp(band[1] * 0.04)
            keep = _band(y.shape, pattern.RING_MIN * 0.9 / high, pattern.RING_MAX * 1.05 / low, scale)
            rings[band] = _spatial(flat, y.shape, keep, valid)
        for mirrored in (False, True):
            hyp = basis * np.array([[-1.0, 1.0]]) if mirrored else basis
            found = _sync_hypothesis(rings[band], valid, hyp, lay)
            if found is not None:
                soft, offset, z = found
                yield _Synced(soft, float(np.sqrt(abs(np.linalg.det(basis)))) / scale, offset, z, mirrored)


def _sync_hypothesis(
    ring: np.ndarray, valid: np.ndarray, basis: np.ndarray, lay: pattern.Layout
) -> tuple[np.ndarray, tuple[float, float], float] | None:
    res, cover = to_tile_space(ring, valid, basis)
    tile_spec = fold(res, cover)
    flat = np.ones(tile_spec.shape, dtype=np.float32)
    z_flat = _sync(tile_spec, flat, lay)[2]
    if z_flat < PRESYNC_Z_MIN:  # cheap first look, before per-bin noise
        return None
    noise = bin_noise(res, cover)
    dy, dx, z = _sync(tile_spec, noise, lay)
    if z < SYNC_Z_MIN:
        return None
    best = (_soft_bits(tile_spec, noise, lay, dy, dx), (float(dy), float(dx)), z)
    drift = _drift(res, cover, noise, lay, (dy, dx))
    tried = [basis]
    if drift is not None:
        # The lattice read from the autocorrelation is good to a fraction of a pixel per period; over many
        # tiles that error drifts the offset. The drift measured per quadrant corrects the basis.
        tried += [basis @ np.linalg.inv(np.eye(2) - sign * drift) for sign in (1.0, -1.0)]
    scored = [(_quick_z(ring, valid, b, lay), b) for b in tried[1:]] + [(z_flat, basis)]
    z_best, basis = max(scored, key=lambda t: t[0])
    basis, z_best = _polish(ring, valid, basis, lay, z_best)
    res2, cover2 = to_tile_space(ring, valid, basis)
    spec2 = fold(res2, cover2)
    noise2 = bin_noise(res2, cover2)
    dy2, dx2, z2 = _sync(spec2, noise2, lay)
    if z2 > best[2]:
        best = (_soft_bits(spec2, noise2, lay, dy2, dx2), (float(dy2), float(dx2)), z2)
    return best


def _quick_z(ring: np.ndarray, valid: np.ndarray, basis: np.ndarray, lay: pattern.Layout) -> float:
    res, cover = to_tile_space(ring, valid, basis)
    spec = fold(res, cover)
    return _sync(spec, np.ones(spec.shape, dtype=np.float32), lay)[2]


def _polish(
    ring: np.ndarray, valid: np.ndarray, basis: np.ndarray, lay: pattern.Layout, z: float
) -> tuple[np.ndarray, float]:
    """Coordinate ascent of the sync z over the four basis entries (steps of 0.3 % then 0.15 % of the period)."""
    period = float(np.sqrt(abs(np.linalg.det(basis))))
    for step in (0.003 * period, 0.0015 * period):
        for index in ((0, 0), (1, 0), (0, 1), (1, 1)):
            for sign in (1.0, -1.0):
                trial = basis.copy()
                trial[index] += sign * step
                trial_z = _quick_z(ring, valid, trial, lay)
                if trial_z > z:
                    basis, z = trial, trial_z
                    break
    return basis, z


def _drift(
    res: np.ndarray, cover: np.ndarray, noise: np.ndarray, lay: pattern.Layout, offset: tuple[float, float]
) -> np.ndarray | None:
    """How the tile offset changes across the picture (d offset / d position, x then y), from its quadrants."""
    q = pattern.TILE_Q
    h, w = res.shape
    mid_r, mid_c = max(q, h // 2 // q * q), max(q, w // 2 // q * q)  # cut on tile boundaries: phase kept
    points, shifts = [], []
    for r0, r1 in ((0, mid_r), (mid_r, h)):
        for c0, c1 in ((0, mid_c), (mid_c, w)):
            part, part_cover = res[r0:r1, c0:c1], cover[r0:r1, c0:c1]
            weight = float(part_cover.sum())
            if r1 - r0 < q or c1 - c0 < q or weight < 2 * q * q:
                continue
            dy, dx, z = _sync(fold(part, part_cover), noise, lay)
            if z < PRESYNC_Z_MIN:
                continue
            rows, cols = np.nonzero(part_cover > 0.5)
            points.append((c0 + cols.mean(), r0 + rows.mean()))
            shifts.append(((dx - offset[1] + q / 2) % q - q / 2, (dy - offset[0] + q / 2) % q - q / 2))
    if len(points) < 3:
        return None
    pts = np.array(points)
    design = np.column_stack([pts - pts.mean(axis=0), np.ones(len(pts))])
    coef, *_ = np.linalg.lstsq(design, np.array(shifts), rcond=None)
    drift = coef[:2].T  # rows: d(dx), d(dy); columns: per x, per y
    return drift if np.all(np.abs(drift) < 0.02) else None


def detect(image: Image.Image, key: str, candidates: Iterable[int] | None = None) -> Detection | None:
    """The delivery whose mark this picture carries, or None.

    Blind: a Viterbi decode whose CRC-32 matches. With candidates (the deliveries that exist for the
    media), a candidate is also named when its code correlates with the recovered chips beyond
    CODE_Z_MIN; only the best-correlating one is named (an averaged copy of two colluders names one).
    """
    lay = pattern.layout(key)
    ids = sorted({int(c) for c in candidates if 1 <= int(c) <= codec.MAX_ID}) if candidates is not None else []
    codes: np.ndarray | None = None  # encoded on first need: a blind decode usually answers first
    best: Detection | None = None
    for synced in synced_candidates(image, key):
        # A CRC-checked decode is the mark itself: trusted even when its id is not among the candidates.
        delivery_id = codec.decode(synced.soft, lay.scramble)
        if delivery_id is not None:
            return _detection(synced, delivery_id, _code_z(synced.soft, delivery_id, lay), informed=False)
        if ids:
            if codes is None:
                codes = 1.0 - 2.0 * np.stack([codec.encode(i, lay.scramble) for i in ids]).astype(np.float32)
            scores = codes @ synced.soft / (np.linalg.norm(synced.soft) + 1e-12)
            top = int(np.argmax(scores))
            if scores[top] >= CODE_Z_MIN and (best is None or scores[top] > best.code_z):
                best = _detection(synced, ids[top], float(scores[top]), informed=True)
    return best


def _detection(synced: _Synced, delivery_id: int, code_z: float, *, informed: bool) -> Detection:
    return Detection(
        delivery_id, synced.period, synced.offset, synced.sync_z, code_z, mirrored=synced.mirrored, informed=informed
    )
