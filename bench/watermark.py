"""Watermark benchmark: one watermarked delivery of a 2048-px final on one core, and identification.

    python -m bench.watermark [--runs 30]      (from the repository root)

Prints medians. Target: a delivery (visible + forensic mark + JPEG encode) <= 40 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import numpy as np
from PIL import Image

from fansub.media.watermark import embed, prepare_final, render_delivery
from fansub.media.watermark.detect import detect
from fansub.media.watermark.render import visible_cache
from tests.media.watermark.attacks import leak
from tests.media.watermark.synthetic import natural_image

KEY = "bench-forensic-key"


def _one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def _timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def _final() -> Image.Image:
    """A 2048 x 1536 photo-like final (the generator's seed 1 scene, resized to exactly 2048 px)."""
    return natural_image(1, longest=2048).resize((2048, 1536), Image.BICUBIC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"watermark bench: {_one_core()}, load average {os.getloadavg()[0]:.2f}")
    final = _final()

    prep_med, prep_min = _timed(lambda: prepare_final(final), 5)
    prepared = prepare_final(final)
    ids = iter(range(1_000_000, 1_000_000 + 10 * args.runs))

    def deliver(handle: str = "bench_viewer") -> bytes:
        return render_delivery(prepared, handle=handle, delivery_id=next(ids), style="tiled", key=KEY)

    deliver()  # warm the viewer's visible layer
    warm_med, warm_min = _timed(deliver, args.runs)
    viewers = iter(f"viewer_{i}" for i in range(10 * args.runs))

    def cold_viewer() -> bytes:
        visible_cache().clear()
        return deliver(next(viewers))

    cold_med, cold_min = _timed(cold_viewer, max(5, args.runs // 3))
    data = deliver()
    change = embed.delta(prepared.strength, embed.tile_fixed(123456, KEY)).astype(np.float64)
    psnr = 10 * np.log10(255**2 / np.mean(change**2))

    leaked = leak(Image.open(io.BytesIO(data)), 0)
    found = detect(leaked, KEY)
    id_med, id_min = _timed(lambda: detect(leaked, KEY), 7)
    clean = leak(final, 0)
    none_med, none_min = _timed(lambda: detect(clean, KEY), 5)

    print(f"final: {final.width}x{final.height}, delivery JPEG {len(data) / 1024:.0f} KiB")
    print(f"prepare_final (once per final, cacheable): median {prep_med:.1f} ms (min {prep_min:.1f})")
    print(f"delivery, viewer's visible layer cached:  median {warm_med:.1f} ms (min {warm_min:.1f})  target <= 40 ms")
    print(f"delivery, new viewer (layer built):        median {cold_med:.1f} ms (min {cold_min:.1f})")
    print(f"forensic mark luminance PSNR: {psnr:.1f} dB")
    print(
        f"identify leaked copy ({leaked.width}x{leaked.height}): median {id_med:.0f} ms (min {id_min:.0f}),"
        f" recovered {'OK' if found else 'NOTHING'}"
    )
    print(f"identify unmarked copy (full search, no mark): median {none_med:.0f} ms (min {none_min:.0f})")


if __name__ == "__main__":
    main()
