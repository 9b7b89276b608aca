"""Video marks benchmark: packaging a final once as A/B-marked HLS against one plain transcode, and the
identification rate of re-encoded leaks.

    python -m bench.video_marks [--seconds 64] [--size 640x360] [--fps 24] [--viewers 4]

Input: a procedurally generated final (``tests/media/video_synth.write_clip``: a panning blocky texture,
moving gradients and a drifting disc, every frame different; H.264 at crf 18). Anchor, measured in the
same run on the same final: one plain transcode of it (decode + libx264 veryfast crf 18, the packager's
encoder settings, into one MP4). Packaging necessarily encodes twice (A and B); the ratio shows what the
per-segment restarts and the marking add on top. Identification: each viewer's own copy (the segments
their playlist names, decoded in order) re-encoded by each attack, read with the informed detector;
"wrong" counts a leak that named another viewer, "unmarked" re-encodes of the final must name nobody.
Timings are medians on a shared machine (other processes compete for the CPUs): read the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from fansub.media.video_mark import code, detect, package, pattern
from tests.media.video_synth import leak, write_clip

KEY = "bench-video-key"
ITEM = "bench-item"
ATTACKS = {
    "same size, crf 30": {"crf": 30},
    "2/3 size, crf 28": {"scale": 2 / 3, "crf": 28},
    "1/2 size, 400 kb/s": {"scale": 1 / 2, "bitrate": 400_000},
    "1/3 size, 150 kb/s": {"scale": 1 / 3, "bitrate": 150_000},
    "1/2 size, crf 35": {"scale": 1 / 2, "crf": 35},
}


def plain_transcode(src: Path, dst: Path) -> None:
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        vin = inp.streams.video[0]
        rate = vin.average_rate or Fraction(24)
        vout = out.add_stream("libx264", rate=rate)
        vout.width, vout.height, vout.pix_fmt = vin.codec_context.width, vin.codec_context.height, "yuv420p"
        vout.options = {"preset": "veryfast", "crf": "18"}
        for number, frame in enumerate(inp.decode(vin)):
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = number, 1 / Fraction(rate)
            out.mux(vout.encode(frame))
        out.mux(vout.encode(None))


def _median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _even(value: float) -> int:
    return max(16, int(value) // 2 * 2)


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=64.0)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--viewers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args, _ = parser.parse_known_args(sys.argv[1:] if __name__ == "__main__" else [])
    width, height = (int(v) for v in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="bench-video-"))
    print(f"video marks bench: {args.seconds:.0f} s at {width}x{height}, {args.fps} fps; "
          f"load average {os.getloadavg()[0]:.2f} (shared machine: medians of {args.runs})")
    final = write_clip(work / "final.mp4", seconds=args.seconds, fps=args.fps, size=(width, height), audio=True)

    anchor = _median_seconds(lambda: plain_transcode(final, work / "plain.mp4"), args.runs)
    packaged: list[package.Package] = []
    packaging = _median_seconds(lambda: packaged.append(package.package(
        final, work / "pkg", key=KEY, item_ref=ITEM, segment_seconds=2.0)), args.runs)
    result = packaged[-1]
    print(f"  plain transcode (anchor): {anchor:.2f} s   A/B packaging: {packaging:.2f} s   "
          f"ratio {packaging / anchor:.2f}x  ({result.count} segments x 2 variants)")

    size = detect.analysis_size(width, height)
    reference = detect.read_lumas(final, size)
    a0 = detect.read_lumas(next(s.path for s in result.segments if s.index == 1 and s.variant == "a"),
                           (width, height)).frames
    frames = result.segment_frames
    original = detect.read_lumas(final, (width, height)).frames[frames:2 * frames]
    decoded_psnr = pattern.psnr(original, a0)
    plain = detect.read_lumas(work / "plain.mp4", (width, height)).frames[frames:2 * frames]
    plain_psnr = pattern.psnr(original, plain)
    mark = pattern.field(KEY, ITEM, 1, width, height)
    mark_psnr = 20 * np.log10(255 / (pattern.DEFAULT_STRENGTH * float(np.sqrt((mark ** 2).mean()))))
    print(f"  invisibility: the mark alone PSNR {mark_psnr:.1f} dB; decoded variant A vs the decoded final "
          f"(mark + segment encode) {decoded_psnr:.1f} dB, the plain transcode alone {plain_psnr:.1f} dB")

    by_key = {(s.index, s.variant): s.path for s in result.segments}
    figures: dict[str, float] = {"packaging_ratio": packaging / anchor}
    for name, attack in ATTACKS.items():
        right = wrong = 0
        for viewer in range(1, args.viewers + 1):
            word = code.codeword(viewer * 7919 % code.MAX_CODE or 1)
            chosen = [by_key[(i, "b" if word[i % code.LENGTH] else "a")] for i in range(1, result.count)]
            scale = attack.get("scale", 1.0)
            copy = leak(chosen, work / f"leak-{viewer}.mp4", width=_even(width * scale), height=_even(height * scale),
                        crf=attack.get("crf"), bitrate=attack.get("bitrate"))
            reading = detect.read(detect.read_lumas(copy, size), reference, key=KEY, item_ref=ITEM,
                                  rate=result.rate, segment_frames=result.segment_frames)
            expected = viewer * 7919 % code.MAX_CODE or 1
            right += reading.code == expected
            wrong += reading.code is not None and reading.code != expected
        unmarked = leak([final], work / "unmarked.mp4", width=_even(width * attack.get("scale", 1.0)),
                        height=_even(height * attack.get("scale", 1.0)), crf=attack.get("crf"),
                        bitrate=attack.get("bitrate"))
        clean = detect.read(detect.read_lumas(unmarked, size), reference, key=KEY, item_ref=ITEM,
                            rate=result.rate, segment_frames=result.segment_frames)
        rate = right / args.viewers
        figures[f"identified {name}"] = rate
        print(f"  {name:<22} identified {right}/{args.viewers} ({rate:.0%}), wrong viewer {wrong}, "
              f"unmarked copy named {'nobody' if clean.code is None else clean.code} "
              f"(mark strength {clean.presence:.1f} vs threshold {detect.PRESENCE_Z})")
    return figures


if __name__ == "__main__":
    main()
