"""Packaging a video final once as HLS with two marked variants (A and B) of every segment.

The final is decoded once; every frame goes, marked with ``+P_i`` and ``-P_i``, to two encoders
that are restarted at each segment boundary, so each segment file is self-contained (starts on a
key frame) and both variants cover exactly the same frames. Timestamps run on across segments, so
any mix of A and B segments plays as one stream. Audio packets are copied (never re-encoded) into
both variants of the segment they start in. No storage, no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from fansub.media.video_mark import pattern

VARIANTS = (("a", 1), ("b", -1))
MANIFEST_VERSION = 1


@dataclass
class Segment:
    index: int
    variant: str
    path: Path
    duration_ms: int


@dataclass
class Package:
    manifest: Path
    width: int
    height: int
    segment_frames: int
    rate: Fraction
    segments: list[Segment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len({s.index for s in self.segments})


def frames_per_segment(rate: Fraction, seconds: float) -> int:
    return max(1, round(float(rate) * seconds))


class _AudioFeed:
    """The final's audio packets, read alongside the picture one segment at a time (memory stays bounded
    by a segment's worth, whatever the length of the video)."""

    def __init__(self, src: Path):
        self.container = av.open(str(src))
        self.stream = self.container.streams.audio[0] if self.container.streams.audio else None
        self._packets = self.container.demux(self.stream) if self.stream is not None else iter(())
        self._held: av.Packet | None = None

    def take(self, until: float | None) -> list[av.Packet]:
        """Packets starting before ``until`` seconds (all that remain when None)."""
        out = []
        while True:
            packet = self._held or next(self._packets, None)
            self._held = None
            if packet is None:
                return out
            if packet.pts is None or packet.size == 0:
                continue
            if until is not None and float(packet.pts * packet.time_base) >= until:
                self._held = packet
                return out
            out.append(packet)

    def close(self) -> None:
        self.container.close()


class _SegmentWriter:
    def __init__(self, path: Path, width: int, height: int, rate: Fraction, crf: int, audio_template: object | None):
        self.container = av.open(str(path), "w", format="mpegts")
        self.video = self.container.add_stream("libx264", rate=rate)
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        self.video.options = {"preset": "veryfast", "crf": str(crf), "x264-params": "scenecut=0"}
        self.audio = self.container.add_stream_from_template(audio_template) if audio_template is not None else None
        self.container.metadata.clear()

    def encode(self, frame: av.VideoFrame | None) -> None:
        for packet in self.video.encode(frame):
            self.container.mux(packet)

    def mux_audio(self, packets: list[av.Packet]) -> None:
        if self.audio is None:
            return
        for packet in packets:
            packet.stream = self.audio
            self.container.mux(packet)

    def close(self) -> None:
        self.encode(None)
        self.container.close()


def package(final: Path, outdir: Path, *, key: str, item_ref: str, segment_seconds: float,
            strength: float = pattern.DEFAULT_STRENGTH, crf: int = 18) -> Package:
    """Write ``outdir/<index>-<variant>.ts`` for every segment and ``outdir/manifest.json``."""
    outdir.mkdir(parents=True, exist_ok=True)
    audio = _AudioFeed(final)
    try:
        with av.open(str(final)) as inp:
            vin = inp.streams.video[0]
            width, height = vin.codec_context.width, vin.codec_context.height
            rate = vin.average_rate if vin.average_rate and 1 <= vin.average_rate <= 240 else None
            rate = Fraction(rate or vin.guessed_rate or 30)
            per_segment = frames_per_segment(rate, segment_seconds)
            result = Package(outdir / "manifest.json", width, height, per_segment, Fraction(rate))
            writers: dict[str, _SegmentWriter] = {}
            current, frames_in = -1, 0

            def finish_segment(last: bool) -> None:
                packets = audio.take(None if last else (current + 1) * per_segment / float(rate))
                for name, writer in writers.items():
                    writer.mux_audio([_clone(p) for p in packets])  # muxing consumes a packet: one copy each
                    writer.close()
                    result.segments.append(Segment(current, name, outdir / f"{current:05d}-{name}.ts",
                                                   round(frames_in / float(rate) * 1000)))
                writers.clear()

            for number, frame in enumerate(inp.decode(vin)):
                segment = number // per_segment
                if segment != current:
                    if writers:
                        finish_segment(last=False)
                    current, frames_in = segment, 0
                    writers = {name: _SegmentWriter(outdir / f"{segment:05d}-{name}.ts", width, height, rate, crf,
                                                    audio.stream) for name, _ in VARIANTS}
                    step_a, step_b = pattern.offsets(pattern.field(key, item_ref, segment, width, height), strength)
                    steps = {"a": step_a, "b": step_b}
                planes = frame.to_ndarray(format="yuv420p")
                luma = planes[:height].copy()
                for name, _ in VARIANTS:
                    pattern.apply_offset(luma, steps[name], planes[:height])
                    out = av.VideoFrame.from_ndarray(planes, format="yuv420p")
                    out.pts, out.time_base = number, Fraction(1, 1) / rate
                    writers[name].encode(out)
                frames_in += 1
            if writers:
                finish_segment(last=True)
    finally:
        audio.close()
    result.manifest.write_text(json.dumps({
        "version": MANIFEST_VERSION, "segment_frames": per_segment, "rate": [rate.numerator, rate.denominator],
        "width": width, "height": height, "strength": strength, "grid": list(pattern.GRID),
        "segments": sorted({s.index: s.duration_ms for s in result.segments}.items()),
    }, separators=(",", ":")))
    return result


def _clone(packet: av.Packet) -> av.Packet:
    copy = av.Packet(bytes(packet))
    copy.pts, copy.dts, copy.duration, copy.time_base = packet.pts, packet.dts, packet.duration, packet.time_base
    return copy


def luma_psnr(original: np.ndarray, marked: np.ndarray) -> float:
    return pattern.psnr(original, marked)
