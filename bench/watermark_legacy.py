"""The forensic detector as it was before issue 16 (axis-aligned period search only), kept as the anchor
that bench.watermark measures the geometric detector against in the same run. Not used by the app."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from fansub.media.watermark import codec, pattern
from fansub.media.watermark.filters import box_mean

WORK_MAX = 1300  # larger inputs are halved first: the mark is low-frequency, detail above this is noise
BAND_MAX = 0.3  # cycles/pixel kept: the mark's top frequencies down to ~35 % scale
JPEG_LINES = (0.125, 0.25)  # JPEG 8x8 block edges (at 100 % or 50 %) put periodic energy on these lines
PERIOD_MIN = 40
PERIOD_MAX = 320
CANDIDATES = 6
SYNC_Z_MIN = 5.5
PRESYNC_Z_MIN = 4.0


@dataclass(frozen=True)
class Detection:
    delivery_id: int
    period: float
    offset: tuple[float, float]
    sync_z: float
    code_z: float  # agreement of the channel values with the re-encoded payload, in noise units


def _luma(image: Image.Image) -> np.ndarray:
    gray = image.convert("L")
    while max(gray.size) > WORK_MAX:
        gray = gray.reduce(2)
    return np.asarray(gray, dtype=np.float32)


def _band(shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    fy = np.abs(np.fft.fftfreq(height))[:, None]
    fx = np.abs(np.fft.rfftfreq(width))[None, :]
    keep = (fx <= BAND_MAX) & (fy <= BAND_MAX) & (fx >= 1.5 / width) & (fy >= 1.5 / height)
    for line in JPEG_LINES:
        keep &= (np.abs(fx - line) > 2.5 / width) & (np.abs(fy - line) > 2.5 / height)
    return keep


def whiten(y: np.ndarray) -> np.ndarray:
    """Flatten the image spectrum, keep the mark's band, equalise local contrast, clip outliers (edges, text)."""
    spectrum = np.fft.rfft2(y - y.mean())
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    smooth = box_mean(power, 4) + 1e-3
    flat = spectrum / np.sqrt(smooth) * _band(y.shape)
    white = np.fft.irfft2(flat, s=y.shape).astype(np.float32)
    local = np.sqrt(box_mean(white * white, 12) + 1e-6)
    return np.clip(white / local, -3.0, 3.0)


def _autocorrelation(white: np.ndarray) -> np.ndarray:
    """Linear (zero-padded, overlap-normalised) autocorrelation for lags up to PERIOD_MAX."""
    height, width = white.shape
    ph, pw = height + PERIOD_MAX + 1, width + PERIOD_MAX + 1
    spectrum = np.fft.rfft2(white, s=(ph, pw))
    auto = np.fft.irfft2(spectrum.real**2 + spectrum.imag**2, s=(ph, pw))
    rows = np.minimum(np.arange(ph), ph - np.arange(ph))
    cols = np.minimum(np.arange(pw), pw - np.arange(pw))
    overlap = np.maximum(height - rows, 1)[:, None] * np.maximum(width - cols, 1)[None, :]
    auto = auto / overlap
    return auto / auto[0, 0]


def period_candidates(white: np.ndarray) -> list[float]:
    """Lags with the strongest autocorrelation along both axes and diagonals: the tile period or a multiple."""
    auto = _autocorrelation(white)
    height, width = white.shape
    top = min(PERIOD_MAX, int(min(height, width) * 0.7))
    lags = np.arange(PERIOD_MIN, top + 1)
    if len(lags) < 3:
        return []
    score = auto[0, lags] + auto[lags, 0] + 0.5 * (auto[lags, lags] + auto[-lags, lags])
    peaks = [i for i in range(1, len(lags) - 1) if score[i] >= score[i - 1] and score[i] > score[i + 1]]
    peaks.sort(key=lambda i: -score[i])
    out = []
    for i in peaks[:CANDIDATES]:
        a, b, c = score[i - 1], score[i], score[i + 1]
        denom = a - 2 * b + c
        frac = 0.5 * (a - c) / denom if denom < 0 else 0.0
        out.append(float(lags[i] + frac))
    return out


def resample(white: np.ndarray, period: float) -> np.ndarray:
    """Rescale so that one tile spans exactly TILE_Q pixels."""
    height, width = white.shape
    scale = pattern.TILE_Q / period
    new_w, new_h = max(1, math.floor(width * scale)), max(1, math.floor(height * scale))
    src = Image.fromarray(white, "F")
    return np.asarray(src.resize((new_w, new_h), Image.BILINEAR, box=(0, 0, new_w / scale, new_h / scale)))


def fold(res: np.ndarray) -> np.ndarray:
    """Spectrum of the average over all tile positions (partial tiles at the edges included)."""
    q = pattern.TILE_Q
    new_h, new_w = res.shape
    nh, nw = math.ceil(new_h / q), math.ceil(new_w / q)
    acc = np.zeros((nh * q, nw * q), dtype=np.float64)
    cnt = np.zeros_like(acc)
    acc[:new_h, :new_w] = res
    cnt[:new_h, :new_w] = 1.0
    total = acc.reshape(nh, q, nw, q).sum(axis=(0, 2))
    count = cnt.reshape(nh, q, nw, q).sum(axis=(0, 2))
    return np.fft.rfft2(total / np.maximum(count, 1.0))


def bin_noise(res: np.ndarray) -> np.ndarray:
    """Relative noise power of every tile bin.

    Every whole tile holds the same mark plus different image content, so the spread of a bin across
    tiles is that bin's noise: bins that the image's own texture crowds are trusted less.
    """
    q = pattern.TILE_Q
    fh, fw = res.shape[0] // q, res.shape[1] // q
    if fh * fw < 3:
        return np.ones((q, q // 2 + 1), dtype=np.float32)
    tiles = res[: fh * q, : fw * q].reshape(fh, q, fw, q).transpose(0, 2, 1, 3)
    specs = np.fft.rfft2(tiles.reshape(-1, q, q))
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


def detect(image: Image.Image, key: str) -> Detection | None:
    white = whiten(_luma(image))
    lay = pattern.layout(key)
    for period in period_candidates(white):
        for multiple in (1, 2, 3):
            sub = period / multiple
            if sub < PERIOD_MIN * 0.75:
                break
            found = _try_period(white, sub, lay)
            if found is not None:
                return found
    return None


def _try_period(white: np.ndarray, period: float, lay: pattern.Layout) -> Detection | None:
    res = resample(white, period)
    tile_spec = fold(res)
    flat = np.ones(tile_spec.shape, dtype=np.float32)
    if _sync(tile_spec, flat, lay)[2] < PRESYNC_Z_MIN:  # cheap first look, before per-bin noise
        return None
    noise = bin_noise(res)
    dy, dx, z = _sync(tile_spec, noise, lay)
    if z < SYNC_Z_MIN:
        return None
    soft = _soft_bits(tile_spec, noise, lay, dy, dx)
    delivery_id = codec.decode(soft, lay.scramble)
    if delivery_id is None:
        return None
    expected = 1.0 - 2.0 * codec.encode(delivery_id, lay.scramble)
    code_z = float(soft @ expected / (np.linalg.norm(soft) + 1e-12))
    return Detection(delivery_id, period, (float(dy), float(dx)), z, code_z)
