"""Procedural test video (moving texture, a drifting shape, a tone) and the leaks a viewer could make.

Used by the video-mark tests and ``bench/video_marks.py``.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def _texture(width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    big = rng.integers(0, 255, size=(height // 8 + 2, width // 8 + 2), dtype=np.uint8)
    return np.kron(big, np.ones((8, 8), dtype=np.uint8)).astype(np.float32)


def write_clip(path: Path, *, seconds: float, fps: int = 12, size: tuple[int, int] = (320, 240),
               audio: bool = True, seed: int = 1, crf: int = 18) -> Path:
    """An H.264/AAC MP4 whose every frame differs: a panning blocky texture, gradients and a moving disc."""
    width, height = size
    texture = _texture(width * 2, height * 2, seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "veryfast", "crf": str(crf)}
        audio_stream = None
        if audio:
            audio_stream = out.add_stream("aac", rate=48000)
            audio_stream.layout = "mono"
        frames = int(seconds * fps)
        for i in range(frames):
            dx, dy = (i * 3) % width, (i * 2) % height
            base = texture[dy:dy + height, dx:dx + width] * 0.45
            wave = 60 * np.sin((xx + i * 4) / 37.0 + seed) * np.cos((yy - i * 2) / 29.0)
            cx, cy = width / 2 + width / 3 * np.sin(i / 20), height / 2 + height / 3 * np.cos(i / 27)
            disc = 70.0 * (((xx - cx) ** 2 + (yy - cy) ** 2) < (height / 6) ** 2)
            luma = np.clip(base + wave + disc + 40 + 30 * np.sin(i / 40), 0, 255).astype(np.uint8)
            rgb = np.stack([luma, np.roll(luma, i % 7, axis=1), 255 - luma], axis=2)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = None
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio_stream is not None:
            samples = int(48000 * seconds)
            tone = (np.sin(np.arange(samples) * 2 * np.pi * 330 / 48000) * 0.2).astype("float32")
            for start in range(0, samples, 1024):
                chunk = tone[start:start + 1024]
                aframe = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
                aframe.sample_rate, aframe.pts, aframe.time_base = 48000, start, Fraction(1, 48000)
                out.mux(audio_stream.encode(aframe))
            out.mux(audio_stream.encode(None))
    return path


def leak(segment_paths: list[Path], dst: Path, *, width: int | None = None, height: int | None = None,
         bitrate: int | None = None, crf: int | None = 28, fps: Fraction | None = None) -> Path:
    """What a viewer's recording/re-encode looks like: the segments they were served, decoded in order,
    downscaled and re-encoded at a lower quality into one MP4 (no audio)."""
    with av.open(str(dst), "w", format="mp4") as out:
        stream, number = None, 0
        for segment in segment_paths:
            with av.open(str(segment)) as inp:
                vin = inp.streams.video[0]
                for frame in inp.decode(vin):
                    if stream is None:
                        stream = out.add_stream("libx264", rate=fps or vin.average_rate or 12)
                        stream.width = width or frame.width
                        stream.height = height or frame.height
                        stream.pix_fmt = "yuv420p"
                        options = {"preset": "veryfast"}
                        if bitrate:
                            stream.bit_rate = bitrate
                        elif crf is not None:
                            options["crf"] = str(crf)
                        stream.options = options
                    small = frame.reformat(width=stream.width, height=stream.height, format="yuv420p")
                    small.pts, small.time_base = number, 1 / Fraction(stream.average_rate)
                    number += 1
                    out.mux(stream.encode(small))
        if stream is not None:
            out.mux(stream.encode(None))
    return dst
