"""Timing shared by the media benchmarks (no main(): not a benchmark itself)."""

import os
import statistics
import time
from collections.abc import Callable


def interleaved(runs: int, cases: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median ms of each case, the cases taking turns (so a busy moment hits them alike). With
    ``BENCH_CLOCK=cpu`` the process's CPU time instead of wall time: on a shared, overloaded machine
    it leaves out the time spent waiting for a core (all of this work runs on one thread/core)."""
    clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()  # warm-up: imports, codec tables, libvips start-up
    for _ in range(runs):
        for name, fn in cases.items():
            started = clock()
            fn()
            times[name].append((clock() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}
