"""Event pipeline throughput: emit() into the outbox, then publish to a local lake folder.

Runs inside a transaction that is rolled back, on a temporary lake folder: the demo database and
var/lake are left as they were.
"""

import statistics
import tempfile
import time
from pathlib import Path

from django.db import transaction
from django.test import override_settings

EVENTS = 2000


class _Rollback(Exception):
    pass


def main() -> dict[str, str]:
    from telemetry.events import emit
    from telemetry.publisher import publish_all

    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as lake, override_settings(TELEMETRY_LAKE_DIR=Path(lake)):
        try:
            with transaction.atomic():
                per_event = []
                for n in range(EVENTS):
                    started = time.perf_counter()
                    emit("account.logged_in", {"surface": ("page", "api", "admin")[n % 3]})
                    per_event.append(time.perf_counter() - started)
                started = time.perf_counter()
                published = publish_all()
                publish_seconds = time.perf_counter() - started
                files = list(Path(lake).rglob("*.jsonl.gz"))
                size = sum(f.stat().st_size for f in files)
                raise _Rollback
        except _Rollback:
            pass
    per_event.sort()
    figures["emit (validate + PII scan + outbox insert), per event"] = (
        f"median {statistics.median(per_event) * 1e3:.2f} ms, p95 {per_event[int(len(per_event) * .95)] * 1e3:.2f} ms")
    figures["emit throughput"] = f"{EVENTS / sum(per_event):,.0f} events/s"
    figures["publish to local lake"] = (f"{published} events in {publish_seconds:.2f}s "
                                        f"({published / publish_seconds:,.0f} events/s), {len(files)} file(s), "
                                        f"{size / published:.0f} bytes/event gzipped")
    return figures
