"""The video pipeline (PyAV): probe, a metadata-free master, an H.264/AAC MP4 final with faststart,
a poster frame and the same thumbnail/preview set as images. No storage, no database.

Only video and audio streams are carried over: data tracks (Apple's location "mebx" track,
timed metadata, subtitles) and every container/stream tag are dropped.
"""

import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
from django.conf import settings
from PIL import Image

from common.errors import MediaCorrupt
from fansub.media import imaging
from fansub.media.video_mark import package

_MASTER_FORMAT = {"mp4": "mp4", "mov": "mov", "webm": "webm"}


@dataclass
class FileOutput:
    kind: str
    path: Path
    content_type: str
    extension: str
    width: int
    height: int


@dataclass
class VideoResult:
    width: int
    height: int
    duration_ms: int | None
    phash: str
    files: list[FileOutput] = field(default_factory=list)
    images: list[imaging.RenditionOutput] = field(default_factory=list)
    stream: package.Package | None = None


def _even_fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _clear_metadata(container: av.container.OutputContainer) -> None:
    container.metadata.clear()
    for stream in container.streams:
        stream.metadata.clear()


def remux_master(src: Path, fmt: str, dst: Path) -> None:
    with av.open(str(src)) as inp, av.open(str(dst), "w", format=_MASTER_FORMAT[fmt]) as out:
        mapping = {}
        for stream in (*inp.streams.video[:1], *inp.streams.audio[:1]):
            mapping[stream.index] = out.add_stream_from_template(stream)
        _clear_metadata(out)
        for packet in inp.demux(*[inp.streams[i] for i in mapping]):
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            out.mux(packet)


def transcode_final(src: Path, dst: Path) -> tuple[int, int]:
    with av.open(str(src)) as inp:
        vin = inp.streams.video[0]
        ain = inp.streams.audio[0] if inp.streams.audio else None
        width, height = _even_fit(vin.codec_context.width, vin.codec_context.height, settings.MEDIA_VIDEO_MAX_SIDE)
        rate = vin.average_rate or Fraction(30, 1)
        with av.open(str(dst), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            vout = out.add_stream("libx264", rate=rate)
            vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
            vout.options = {"preset": "veryfast", "crf": "23"}
            aout = resampler = None
            if ain is not None:
                aout = out.add_stream("aac", rate=48000)
                aout.layout = "stereo"
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
            _clear_metadata(out)
            streams = [vin] + ([ain] if ain is not None else [])
            number = 0
            for packet in inp.demux(*streams):
                for frame in packet.decode():
                    if packet.stream.type == "video":
                        frame = frame.reformat(width=width, height=height, format="yuv420p")
                        # Constant frame rate, counted: without a pts every frame landed at 0 (the HLS
                        # packaging and players need real times).
                        frame.pts, frame.time_base = number, 1 / Fraction(rate)
                        number += 1
                        out.mux(vout.encode(frame))
                    elif aout is not None:
                        for resampled in resampler.resample(frame):
                            resampled.pts = None
                            out.mux(aout.encode(resampled))
            out.mux(vout.encode(None))
            if aout is not None:
                for resampled in resampler.resample(None):
                    resampled.pts = None
                    out.mux(aout.encode(resampled))
                out.mux(aout.encode(None))
    return width, height


def poster_frame(src: Path, duration_ms: int | None) -> Image.Image:
    """A frame about a second in (or a third of a short clip), past fade-ins and black first frames."""
    target = min(1.0, (duration_ms or 0) / 3000)
    with av.open(str(src)) as inp:
        stream = inp.streams.video[0]
        chosen = None
        for frame in inp.decode(stream):
            chosen = frame
            if frame.time is not None and frame.time >= target:
                break
        if chosen is None:
            raise MediaCorrupt("The video has no decodable frame.", details={"reason": "undecodable"})
        return chosen.to_image()


def sample_frames(src: Path, duration_ms: int | None, count: int) -> list[Image.Image]:
    """About ``count`` frames spread evenly over the clip (for perceptual hashing); the first always."""
    frames: list[Image.Image] = []
    next_time = 0.0
    with av.open(str(src)) as inp:
        seconds = (duration_ms or 0) / 1000 or (inp.duration or 0) / av.time_base
        step = seconds / max(count, 1)
        stream = inp.streams.video[0]
        rate = float(stream.average_rate or 25)
        for index, frame in enumerate(inp.decode(stream)):
            when = frame.time or index / rate  # some muxers leave every frame at 0: count frames instead
            if when + 1e-6 >= next_time:
                frames.append(frame.to_image())
                next_time = when + step if step else float("inf")
                if len(frames) >= count:
                    break
    return frames


def process_video(src: Path, fmt: str, duration_ms: int | None, workdir: Path,
                  mark_ref: str | None = None) -> VideoResult:
    """``mark_ref`` (the item's public id): also package the final as A/B-marked HLS segments."""
    try:
        master = workdir / f"original.{ 'mov' if fmt == 'mov' else fmt}"
        remux_master(src, fmt, master)
        final = workdir / "final.mp4"
        width, height = transcode_final(src, final)
        poster = poster_frame(src, duration_ms)
        stream = None
        if mark_ref is not None:
            stream = package.package(final, workdir / "stream", key=str(settings.WATERMARK_FORENSIC_KEY),
                                     item_ref=mark_ref, segment_seconds=settings.MEDIA_HLS_SEGMENT_SECONDS,
                                     strength=settings.MEDIA_VIDEO_MARK_STRENGTH)
    except av.FFmpegError as exc:
        raise MediaCorrupt("The video is damaged or incomplete.", details={"reason": "undecodable"}) from exc
    with av.open(str(src)) as probe:
        src_w, src_h = probe.streams.video[0].codec_context.width, probe.streams.video[0].codec_context.height
    master_type = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}[fmt]
    poster.thumbnail((settings.MEDIA_FINAL_MAX_SIDE, settings.MEDIA_FINAL_MAX_SIDE))
    derived, phash = imaging.derived_renditions(poster)
    return VideoResult(
        width=src_w, height=src_h, duration_ms=duration_ms, phash=phash,
        files=[FileOutput("original", master, master_type, master.suffix.lstrip("."), src_w, src_h),
               FileOutput("final", final, "video/mp4", "mp4", width, height)],
        images=[imaging._encode(poster.convert("RGB"), "poster", quality=85), *derived],
        stream=stream,
    )


def make_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="fansub-media-")
