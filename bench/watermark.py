"""Watermark benchmark: one watermarked delivery of a 2048-px final on one core, identification, and the
forensic mark's robustness matrix.

    python -m bench.watermark [--runs 30] [--finals 4] [--unmarked 30] [--no-robustness]

Prints medians. Target: a delivery (visible + forensic mark + JPEG encode) <= 40 ms.
Robustness: every attack of tests/media/watermark/geometry.py on --finals fresh procedural finals
(1740-4000 px, seeds never used in tuning), identification rate per attack for the detector and for
the pre-issue-16 detector (bench/watermark_legacy.py) in the same run, wrong viewers, false positives on
--unmarked unmarked pictures (finals and unrelated sizes, attacked), and a colluders' average.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import numpy as np
from PIL import Image

from bench import watermark_legacy
from fansub.media.watermark import embed, prepare_final, render_delivery
from fansub.media.watermark.detect import detect
from fansub.media.watermark.render import visible_cache
from tests.media.watermark import geometry
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
    parser.add_argument("--finals", type=int, default=4, help="marked finals per attack in the robustness matrix")
    parser.add_argument("--unmarked", type=int, default=30, help="unmarked pictures checked for false positives")
    parser.add_argument("--no-robustness", action="store_true")
    args = parser.parse_args([] if __name__ != "__main__" else None)
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
    if not args.no_robustness:
        robustness(args.finals, args.unmarked)


def _delivered(final: Image.Image, delivery_id: int, style: str) -> Image.Image:
    data = render_delivery(prepare_final(final), handle="bench_leaker", delivery_id=delivery_id, style=style, key=KEY)
    return Image.open(io.BytesIO(data)).convert("RGB")


def robustness(finals: int, unmarked: int) -> None:
    """Identification per attack (new detector vs the legacy one), false positives, collusion."""
    rng = np.random.default_rng(90_210)
    sizes = [2048, 2048, 4000, 1800]
    hits = {name: [0, 0, 0] for name in geometry.ALL}  # identified, wrong, legacy identified
    seconds: list[float] = []
    for case in range(finals):
        final = natural_image(90_000 + case, longest=sizes[case % len(sizes)])
        delivery_id = int(rng.integers(1, 2**31))
        marked = _delivered(final, delivery_id, "tiled" if case % 2 else "corner")
        for name, attack in geometry.ALL.items():
            leaked = attack(marked, rng)
            start = time.perf_counter()
            found = detect(leaked, KEY)
            seconds.append(time.perf_counter() - start)
            legacy = watermark_legacy.detect(leaked, KEY)
            hits[name][0] += bool(found and found.delivery_id == delivery_id)
            hits[name][1] += bool(found and found.delivery_id != delivery_id)
            hits[name][2] += bool(legacy and legacy.delivery_id == delivery_id)
    if finals:
        _robustness_table(finals, hits, seconds)
    _false_positives(unmarked, rng)
    _collusion(rng)


def _robustness_table(finals: int, hits: dict[str, list[int]], seconds: list[float]) -> None:
    sizes = [2048, 2048, 4000, 1800]
    print(f"robustness: {finals} finals per attack (longest side {sorted(set(sizes[:finals]))} px)")
    print(f"{'attack':46s} {'identified':>10s} {'wrong':>6s} {'legacy':>7s}")
    total = [0, 0, 0]
    for name, (ok, wrong, old) in hits.items():
        total = [total[0] + ok, total[1] + wrong, total[2] + old]
        print(f"{name:46s} {ok:>4d}/{finals:<5d} {wrong:>6d} {old:>4d}/{finals}")
    n = finals * len(hits)
    print(
        f"all attacks: {total[0]}/{n} identified ({100 * total[0] / n:.1f} %), {total[1]} wrong; legacy detector"
        f" {total[2]}/{n} ({100 * total[2] / n:.1f} %): ratio {total[0] / max(total[2], 1):.2f}x"
    )
    print(f"detection time per leak: median {statistics.median(seconds):.1f} s (max {max(seconds):.1f})")


def _false_positives(unmarked: int, rng: np.random.Generator) -> None:
    false, checks = 0, 0
    names = list(geometry.ALL)
    for case in range(unmarked):
        image = natural_image(95_000 + case, longest=int(rng.choice([480, 1024, 2048])))
        for variant in (image, geometry.ALL[names[case % len(names)]](image, rng)):
            checks += 1
            false += detect(variant, KEY, candidates=range(1, 5_000)) is not None
        if (case + 1) % 50 == 0:
            print(f"  ... {false} false in {checks} checks so far", flush=True)
    print(f"false positives: {false} in {checks} unmarked checks (with 4,999 candidate ids each)", flush=True)


def _collusion(rng: np.random.Generator) -> None:
    final = natural_image(97_000, longest=2048)
    a, b = 1_111_111, 2_222_222
    average = Image.blend(_delivered(final, a, "tiled"), _delivered(final, b, "tiled"), 0.5)
    leaked = geometry.jpeg(geometry.rescale(average, 0.6), 70)
    innocents = [int(i) for i in rng.integers(1, 2**31, 1_000)]
    found = detect(leaked, KEY, candidates=[*innocents, a, b])
    named = "a colluder" if found and found.delivery_id in (a, b) else ("AN INNOCENT" if found else "nobody")
    print(f"two colluders averaged (60 %, JPEG q70), 1,002 candidates: names {named}")


if __name__ == "__main__":
    main()
