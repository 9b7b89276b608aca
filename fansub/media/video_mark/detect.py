"""Reading the A/B choices back out of a leaked copy (informed detection).

Why informed: we hold the unmarked final of every packaged video, so the detector does not have to
guess the content. Both the leak and the final are reduced to small luma pictures (64 px wide, area
averaged: resolution and most compression noise vanish), the leak is aligned in time with the final
(the offset that best matches frame content, searched over the whole final, so a leak may start
anywhere), and each leaked frame minus its (gain and offset fitted) reference frame leaves the mark
plus small noise. Correlating that residual with the segment's pattern gives the sign (A: +, B: -);
correlating it with decoy patterns nobody was marked with measures the noise, so each segment gets a
z-score. Blind detection would have to fight the content itself (which is far stronger than a 2-level
mark at low frequencies) and would need a far stronger, visible mark for the same reliability.

The first frames of each segment are skipped: a leaker's encoder may carry the previous segment's
picture into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from fansub.media.video_mark import code, pattern

ANALYSIS_WIDTH = 64
ALIGN_SIZE = (16, 12)
DECOYS = 16
PRESENCE_Z = 2.5  # mean |z| per segment with a mark present is >> 4; unmarked video gives ~0.8
MIN_ALIGNMENT = 0.85  # normalised correlation of content: below it, the leak is not this video
SKIP_FRACTION = 0.2


@dataclass
class Lumas:
    frames: np.ndarray  # (n, h, w) float32
    times: np.ndarray  # seconds from the first frame


@dataclass
class Reading:
    alignment: float
    offset_frames: int
    segments: dict[int, float]  # segment index -> z (positive: variant A)
    code: int | None
    presence: float


def analysis_size(width: int, height: int) -> tuple[int, int]:
    return ANALYSIS_WIDTH, max(8, round(ANALYSIS_WIDTH * height / width))


def read_lumas(path: Path | str, size: tuple[int, int], max_seconds: float | None = None) -> Lumas:
    frames, times = [], []
    with av.open(str(path)) as inp:
        stream = inp.streams.video[0]
        stream.thread_type = "AUTO"
        rate = float(stream.average_rate or 25)
        for number, frame in enumerate(inp.decode(stream)):
            when = float(frame.time) if frame.time is not None else number / rate
            small = frame.reformat(width=size[0], height=size[1], format="gray", interpolation="AREA")
            frames.append(small.to_ndarray().astype(np.float32))
            times.append(when)
            if max_seconds is not None and when - times[0] > max_seconds:
                break
    if not frames:
        raise ValueError("no decodable video frame")
    stamps = np.asarray(times, dtype=np.float64)
    if len(stamps) > 1 and np.any(np.diff(stamps) <= 0):  # muxers that leave every frame at 0: count frames
        stamps = np.arange(len(stamps)) / rate
    return Lumas(np.stack(frames), stamps - stamps[0])


def _normalised(frames: np.ndarray) -> np.ndarray:
    n = frames.shape[0]
    flat = np.stack([np.asarray(_shrink(f)) for f in frames]).reshape(n, -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    return flat / np.where(norms == 0, 1, norms)


def _shrink(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape
    ys = np.linspace(0, h, ALIGN_SIZE[1] + 1).astype(int)
    xs = np.linspace(0, w, ALIGN_SIZE[0] + 1).astype(int)
    return np.add.reduceat(np.add.reduceat(frame, ys[:-1], axis=0), xs[:-1], axis=1)


def align(leak: Lumas, reference: Lumas, rate: Fraction) -> tuple[int, float]:
    """(reference frame index of the leak's first frame, mean normalised correlation there)."""
    picks = np.unique(np.linspace(0, len(leak.frames) - 1, min(48, len(leak.frames))).astype(int))
    steps = np.rint(leak.times[picks] * float(rate)).astype(int)
    span = int(steps.max())
    candidates = len(reference.frames) - span
    if candidates <= 0:
        return 0, 0.0
    scores = _normalised(leak.frames[picks]) @ _normalised(reference.frames).T  # (picks, reference)
    total = np.zeros(candidates)
    for row, step in enumerate(steps):
        total += scores[row, step:step + candidates]
    best = int(np.argmax(total))
    return best, float(total[best] / len(picks))


def read(leak: Lumas, reference: Lumas, *, key: str, item_ref: str, rate: Fraction, segment_frames: int) -> Reading:
    offset, alignment = align(leak, reference, rate)
    h, w = reference.frames.shape[1:]
    sums: dict[int, float] = {}
    decoys: dict[int, np.ndarray] = {}
    if alignment >= MIN_ALIGNMENT:
        skip = int(segment_frames * SKIP_FRACTION)
        for frame, when in zip(leak.frames, leak.times, strict=True):
            index = offset + round(when * float(rate))
            if index >= len(reference.frames):
                break
            segment, position = divmod(index, segment_frames)
            if position < skip:
                continue
            ref = reference.frames[index]
            design = np.stack([ref.ravel(), np.ones(ref.size, dtype=np.float32)], axis=1)
            coeffs, *_ = np.linalg.lstsq(design, frame.ravel(), rcond=None)
            residual = frame - (design @ coeffs).reshape(ref.shape)
            mark = pattern.small_field(key, item_ref, segment, w, h)
            sums[segment] = sums.get(segment, 0.0) + float((residual * mark).sum())
            noise = np.array([(residual * pattern.small_field(key, item_ref, segment, w, h, label=f"decoy{d}")).sum()
                              for d in range(DECOYS)])
            decoys[segment] = decoys.get(segment, np.zeros(DECOYS)) + noise
    zs = {s: sums[s] / (float(np.sqrt(np.mean(decoys[s] ** 2))) or 1.0) for s in sums}
    presence = float(np.mean([abs(z) for z in zs.values()])) if zs else 0.0
    found = None
    if presence >= PRESENCE_Z:
        soft: list[float | None] = [None] * code.LENGTH
        for segment, z in zs.items():
            position = segment % code.LENGTH
            soft[position] = (soft[position] or 0.0) - z  # A (+z) spells 0, B spells 1
        found = code.decode(soft)
    return Reading(alignment, offset, zs, found, presence)
