"""Watermarked delivery of a production-size final (3000x4000) at the sizes pages request, one core.

    python -m bench.delivery [--runs 15]

The final is bench/phone_photo.py's picture, upright 3000x4000, stored as the pipeline stores a final
(JPEG q85, no metadata). For each served size (the display sizes 1080 and 2048 px, and the full
final for reference) it times fansub.media.services.watermarking.render_final, i.e. decode + prepare
(when not cached) + visible and forensic marks + JPEG encode, in three states:
  warm        the prepared final and this viewer's visible layer are cached (a repeat viewer)
  new viewer  the prepared final is cached, the viewer's visible layer is drawn (target <= 40 ms)
  cold        the prepared-final cache is empty: read + decode at that size + prepare (target <= 150 ms)
Anchor, measured in the same run and interleaved with the cases: Pillow encoding a plain JPEG of the
served size at the same quality (what serving any re-encoded copy costs at least). Medians; on a
shared machine trust the ratios over the figures. A display size N is served at the final's largest
JPEG DCT scale within 10 % below N (see watermarking.served_size): 2000 px for 2048, 1000 for 1080.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import sys
import tempfile
from dataclasses import dataclass

from bench import timing

os.environ.setdefault("VIPS_CONCURRENCY", "1")


@dataclass(frozen=True)
class StoredFinal:
    """The fields of a final Rendition that watermarking.render_final reads."""

    pk: int
    storage_key: str
    width: int
    height: int


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ.setdefault("FANSUB_VAR_DIR", tempfile.mkdtemp(prefix="fansub-bench-delivery-"))
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    _setup()
    from django.conf import settings
    from PIL import Image

    from bench import phone_photo
    from fansub.media import storage
    from fansub.media.services import watermarking
    from fansub.media.watermark.render import prepared_cache, visible_cache

    upright = phone_photo.photo_pixels((4000, 3000), seed=21).transpose(Image.Transpose.ROTATE_270)
    buffer = io.BytesIO()
    upright.save(buffer, "JPEG", quality=85)
    key = "bench/delivery/final.jpg"
    storage.save_bytes(key, buffer.getvalue())
    final = StoredFinal(pk=1, storage_key=key, width=upright.width, height=upright.height)
    quality = int(settings.WATERMARK_JPEG_QUALITY)
    ids = itertools.count(1_000_000)
    viewers = (f"viewer_{i}" for i in itertools.count())
    print(f"final {final.width}x{final.height} JPEG q85 {len(buffer.getvalue()) / 1e6:.1f} MB; runs {args.runs}; "
          f"cores {len(os.sched_getaffinity(0))}; load {os.getloadavg()[0]:.1f}; "
          f"clock {os.environ.get('BENCH_CLOCK', 'wall')}; "
          f"WATERMARK_CACHE_BYTES {settings.WATERMARK_CACHE_BYTES >> 20} MiB")
    for side in (1080, 2048, None):
        (width, height), _ = watermarking.served_size(final.width, final.height, side)
        served = upright.resize((width, height), Image.Resampling.LANCZOS) if side else upright

        def plain_encode(image: Image.Image = served) -> bytes:
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality)
            return out.getvalue()

        def render(handle: str, size: int | None = side) -> bytes:
            return watermarking.render_final(final, handle=handle, delivery_id=next(ids), side=size)

        def cold(size: int | None = side) -> bytes:
            prepared_cache().clear()
            visible_cache().clear()
            return render(next(viewers), size)

        render("bench_viewer")  # prepared and this viewer's layer cached
        medians = timing.interleaved(args.runs, {
            "anchor": plain_encode, "warm": lambda: render("bench_viewer"), "new": lambda: render(next(viewers)),
            "cold": cold, "rewarm": lambda: render("bench_viewer"),  # cold left the caches empty
        })
        anchor = medians["anchor"]
        ratio = {name: f"{value:.1f} ms = {value / anchor:.2f}x" for name, value in medians.items()}
        label = f"{side} px" if side else "full"
        print(f"{label} (served {width}x{height}): plain JPEG encode (anchor) {anchor:.1f} ms"
              f" | warm {ratio['warm']} | new viewer {ratio['new']} | cold {ratio['cold']}"
              + ("  (targets: new viewer <= 40 ms, cold <= 150 ms)" if side else ""))
        print(f"  prepared-final cache: {len(prepared_cache())} entries, {prepared_cache().nbytes / 1e6:.1f} MB")
    storage.delete_quietly(key)


if __name__ == "__main__":
    main()
