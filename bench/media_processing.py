"""Upload processing on one core against libvips doing the same work, measured in the same run.

    python -m bench.media_processing [--runs 5] [--final-side 2048]

Input (bench/phone_photo.py): a 12-megapixel phone JPEG (4032x3024 as stored, EXIF orientation 6,
sRGB ICC profile, camera tags, quality 92, photo-like texture and edges, ~3 MB), then the same
pixels upright as PNG and HEIC. Ours: SHA-256 of the upload + fansub.media.imaging.process_image
(final capped at --final-side = MEDIA_FINAL_MAX_SIDE, thumbnail, blurred preview, safe preview,
pHash, and the metadata-free master). Anchor: pyvips producing final (shrink-on-load, EXIF
rotation, ICC -> sRGB, Lanczos, q85, no metadata), thumbnail, blurred and safe previews and
SHA-256 from one decode. Runs alternate ours/anchor; medians of --runs; target ratio <= 1.3.
Timings on a shared machine are noisy: trust the ratio (same run, interleaved) over the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import sys

from bench import timing

os.environ.setdefault("VIPS_CONCURRENCY", "1")  # one core for libvips too, before it is imported


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "test")
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import django

    django.setup()


def anchor(data: bytes, side: int, preview_side: int = 480, thumb_side: int = 320) -> list[bytes]:
    """libvips producing the same renditions from one decode (the working image kept in memory)."""
    import pyvips

    hashlib.sha256(data).hexdigest()
    header = pyvips.Image.new_from_buffer(data, "", access="sequential")
    colour = {"output_profile": "srgb", "intent": "relative"} if "icc-profile-data" in header.get_fields() else {}
    working = pyvips.Image.thumbnail_buffer(data, side, height=side, size="down", **colour).copy_memory()
    final = working.jpegsave_buffer(Q=85, keep="none")
    thumb = working.thumbnail_image(thumb_side, height=thumb_side).copy_memory()
    scale = 16 / max(thumb.width, thumb.height)
    up = preview_side / 16
    blurred = thumb.resize(scale).resize(up / 4).gaussblur(2).resize(4, kernel="linear")
    safe = thumb.resize(2 / thumb.width, vscale=2 / thumb.height).resize(
        preview_side / 2, kernel="linear")
    return [final, thumb.jpegsave_buffer(Q=80, keep="none"), blurred.jpegsave_buffer(Q=70, keep="none"),
            safe.jpegsave_buffer(Q=70, keep="none")]


def ours(data: bytes, fmt: str) -> list[bytes]:
    from fansub.media import imaging

    hashlib.sha256(data).hexdigest()
    return [r.data for r in imaging.process_image(data, fmt).renditions]


def _line(label: str, figure: float, anchor_ms: float | None) -> str:
    ratio = f"{figure / anchor_ms:.2f}x libvips ({anchor_ms:.0f} ms)" if anchor_ms else "no libvips anchor"
    return f"{label}: median {figure:.0f} ms, {ratio}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--final-side", type=int, default=2048)
    parser.add_argument("--no-heic", action="store_true", help="skip the HEIC input (slow to decode)")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    _setup()
    from django.conf import settings
    from PIL import Image

    from bench import phone_photo
    from fansub.media import imaging, vips_decode

    settings.MEDIA_FINAL_MAX_SIDE = side = args.final_side
    pixels = phone_photo.photo_pixels()
    jpeg = phone_photo.phone_jpeg(pixels)
    upright = pixels.transpose(Image.Transpose.ROTATE_270)
    png, heic = phone_photo.phone_png(upright), b"" if args.no_heic else phone_photo.phone_heic(upright)
    print(f"inputs: phone JPEG 4032x3024 orientation 6 + sRGB ICC, q92, {len(jpeg) / 1e6:.1f} MB; "
          f"PNG {len(png) / 1e6:.1f} MB; HEIC {len(heic) / 1e6:.1f} MB; final cap {side} px; "
          f"runs {args.runs}; cores {len(os.sched_getaffinity(0))}; load {os.getloadavg()[0]:.1f}; "
          f"clock {os.environ.get('BENCH_CLOCK', 'wall')}; "
          f"libvips in the pipeline: {vips_decode.AVAILABLE}")
    result = imaging.process_image(jpeg, "jpeg")
    print("renditions: " + ", ".join(f"{r.kind} {r.width}x{r.height} {len(r.data) // 1024} KB"
                                     for r in result.renditions))
    medians = timing.interleaved(args.runs, {
        "jpeg": lambda: ours(jpeg, "jpeg"), "jpeg anchor": lambda: anchor(jpeg, side),
        "png": lambda: ours(png, "png"), "png anchor": lambda: anchor(png, side),
    })
    print(_line("phone JPEG (target <= 1.3x)", medians["jpeg"], medians["jpeg anchor"]))
    print(_line("PNG, same picture upright", medians["png"], medians["png anchor"]))
    if args.no_heic:
        return
    try:
        anchor(heic, side)
    except Exception as exc:
        print(f"(no libvips HEIC anchor: {str(exc).splitlines()[0][:80]}; the anchor is the HEIC decode alone)")

        def decode_only() -> object:
            with Image.open(io.BytesIO(heic)) as picture:
                return picture.load()

        medians = timing.interleaved(args.runs, {"heic": lambda: ours(heic, "heif"), "decode": decode_only})
        print(f"HEIC, same picture upright: median {medians['heic']:.0f} ms, "
              f"{medians['heic'] / medians['decode']:.2f}x its pillow-heif decode alone ({medians['decode']:.0f} ms)")
        return
    medians = timing.interleaved(args.runs, {"heic": lambda: ours(heic, "heif"), "anchor": lambda: anchor(heic, side)})
    print(_line("HEIC, same picture upright", medians["heic"], medians["anchor"]))


if __name__ == "__main__":
    main()
