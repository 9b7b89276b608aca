"""Event pipeline: emit() throughput against an anchor, and publish lag at a steady 2,000 events/s.

- emit(): realistic events (a tip with a pseudonymous creator and actor, a post view, a request event,
  a sign-up) validated, PII-scanned and written to the outbox, 200 to a transaction as a busy service or
  a mass-message fan-out would. The anchor, measured in the same run on the same envelopes: the least a
  transactional outbox can do — json.dumps of the envelope and a plain one-row INSERT per event, no
  validation at all. Ratio > 1: emit() (validation included) is faster than the naive insert.
- request sampling: outbox writes per 1,000 sampled page views (each write is one commit).
- publish lag: events are emitted at 2,000/s (committed every 10 ms) while the publisher runs into a
  local lake folder; each batch reports the lag of its events
  (landing time - occurred_at); p50/p95 are over all of them. Twice: publisher every 1 s, and every 5 s
  (the beat default, TELEMETRY_PUBLISH_EVERY_SECONDS).

Runs with DEBUG off (production settings do not log SQL). Emit runs inside rolled-back transactions;
the lag run commits and then deletes the rows it wrote; the lake is a temporary folder.
"""

import json
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

EVENTS = 20_000
PER_TRANSACTION = 200
LAG_RATE = 2_000
LAG_RUNS = ((1.0, 6.0), (5.0, 15.0))  # (publisher interval, seconds of load): 1 s, and the beat default


class _Rollback(Exception):
    pass


def _workload():
    from telemetry.pseudonyms import pseudonym

    class Actor:
        def __init__(self, pk):
            self.pk, self.role = pk, "fan"

    actors = [Actor(n) for n in range(1, 51)]
    creators = [pseudonym("user", 10_000 + n) for n in range(20)]
    events = []
    for n in range(EVENTS):
        kind = n % 4
        if kind == 0:
            events.append(("tip.sent", {"tip_id": n + 1, "creator_id": creators[n % 20], "amount_minor": 500,
                                        "currency": "USD", "target": "post", "anonymous": False}))
        elif kind == 1:
            events.append(("post.viewed", {"post_id": n + 1, "creator_id": creators[n % 20]}))
        elif kind == 2:
            events.append(("http.request", {"route": "post-detail", "method": "GET", "status": 200,
                                            "latency_ms": 12.5, "surface": "page"}))
        else:
            events.append(("account.signed_up", {"role": "fan", "country": "GB"}))
    return [(t, p, actors[n % 50]) for n, (t, p) in enumerate(events)]


def _time_in_transactions(work, count, cpu=None):
    """Wall seconds for work(i) over range(count), PER_TRANSACTION calls per rolled-back transaction.

    `cpu`, a list, receives this process's CPU seconds for the same work: on a shared machine that is the
    one-core figure (SQLite runs in this process, so its work is counted; a PostgreSQL server's is not)."""
    total = 0.0
    cpu_total = 0.0
    for start in range(0, count, PER_TRANSACTION):
        try:
            with transaction.atomic():
                began, began_cpu = time.perf_counter(), time.process_time()
                for i in range(start, min(count, start + PER_TRANSACTION)):
                    work(i)
                from telemetry.outbox import flush

                flush()  # the commit would write them: count it
                total += time.perf_counter() - began
                cpu_total += time.process_time() - began_cpu
                raise _Rollback
        except _Rollback:
            pass
    if cpu is not None:
        cpu.append(cpu_total)
    return total


def _emit_figures(figures):
    from telemetry.events import build_envelope, emit
    from telemetry.models import OutboxEvent

    workload = _workload()
    envelopes = [build_envelope(t, p, actor=a) for t, p, a in workload]
    table = connection.ops.quote_name(OutboxEvent._meta.db_table)
    json_placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    sql = (f"INSERT INTO {table} (event_id, event_type, schema_version, envelope, created_at, published_at, "
           f"attempts, last_error) VALUES (%s, %s, %s, {json_placeholder}, %s, NULL, 0, '')")
    native_uuid = connection.features.has_native_uuid_field

    def anchor(i):
        envelope = envelopes[i]
        event_id = uuid.uuid4()
        with connection.cursor() as cursor:
            cursor.execute(sql, (event_id if native_uuid else event_id.hex, envelope["event_type"],
                                 envelope["schema_version"], json.dumps(envelope),
                                 connection.ops.adapt_datetimefield_value(timezone.now())))

    def emit_one(i):
        event_type, payload, actor = workload[i]
        emit(event_type, payload, actor, source="bench")

    _time_in_transactions(emit_one, min(2_000, EVENTS))  # warm-up: compiled validators, caches
    rounds_emit, rounds_anchor, cpu_emit, cpu_anchor = [], [], [], []
    for _ in range(3):  # interleaved, best of three: the machine is shared
        rounds_anchor.append(_time_in_transactions(anchor, EVENTS, cpu_anchor))
        rounds_emit.append(_time_in_transactions(emit_one, EVENTS, cpu_emit))
    emit_rate, anchor_rate = EVENTS / min(rounds_emit), EVENTS / min(rounds_anchor)
    figures["emit() throughput (validate + PII scan + outbox, 200 per transaction)"] = (
        f"{emit_rate:,.0f} events/s wall, {EVENTS / min(cpu_emit):,.0f} events per CPU-second "
        f"(wall runs: {', '.join(f'{EVENTS / s:,.0f}' for s in rounds_emit)})")
    figures["anchor: json.dumps + one-row INSERT per event, no validation"] = (
        f"{anchor_rate:,.0f} events/s wall, {EVENTS / min(cpu_anchor):,.0f} events per CPU-second")
    figures["emit() / anchor"] = (f"{emit_rate / anchor_rate:.2f}x wall, "
                                  f"{min(cpu_anchor) / min(cpu_emit):.2f}x CPU")

    figures["per event: emit() / anchor"] = (f"{min(rounds_emit) / EVENTS * 1e6:.1f} us / "
                                              f"{min(rounds_anchor) / EVENTS * 1e6:.1f} us")


def _middleware_figures(figures):
    """Sampled page views through the request middleware: outbox writes (each its own commit) per 1,000."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from telemetry.middleware import RequestTelemetryMiddleware
    from telemetry.models import OutboxEvent
    from telemetry.request_buffer import BUFFER, flush_request_events

    views = min(EVENTS, 2_000)
    middleware = RequestTelemetryMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/")
    request.resolver_match = type("Match", (), {"view_name": "home", "route": ""})()
    request.user = None
    with override_settings(TELEMETRY_REQUEST_SAMPLE_RATE=1.0, TELEMETRY_REQUEST_BUFFER_SIZE=200,
                           TELEMETRY_REQUEST_BUFFER_SECONDS=3600):
        BUFFER.drain()
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    for _ in range(views):
                        middleware(request)
                    flush_request_events()
                    seconds = time.perf_counter() - began
                raise _Rollback
        except _Rollback:
            pass
    writes = sum(1 for q in captured.captured_queries if OutboxEvent._meta.db_table in q["sql"])
    figures["sampled page views: outbox writes (commits) per 1,000 views"] = (
        f"{writes * 1000 / views:.0f} (was 1,000: one per view); middleware cost {seconds / views * 1e6:.0f} us/view")


def _lag_figures(figures, publish_every, seconds):
    from telemetry.events import emit
    from telemetry.models import OutboxEvent
    from telemetry.publisher import publish_all

    workload = _workload()
    started_at = datetime.now(UTC)
    reports = []
    emitted = 0
    tick = 0.01
    per_tick = int(LAG_RATE * tick)
    lag_events = min(EVENTS * 2, int(LAG_RATE * seconds))
    begin = time.monotonic()
    next_publish = begin + publish_every
    try:
        while emitted < lag_events:
            with transaction.atomic():
                for _ in range(per_tick):
                    event_type, payload, actor = workload[emitted % len(workload)]
                    emit(event_type, payload, actor, source="bench-lag")
                    emitted += 1
            now = time.monotonic()
            if now >= next_publish:
                publish_all(reports=reports)
                next_publish += publish_every
            target = begin + emitted / LAG_RATE
            if target > time.monotonic():
                time.sleep(target - time.monotonic())
        publish_all(reports=reports)
        achieved = emitted / (time.monotonic() - begin)
    finally:
        OutboxEvent.objects.filter(created_at__gte=started_at, event_type__in={w[0] for w in workload},
                                   envelope__source_component="bench-lag").delete()
    lags = sorted(lag for report in reports for lag in report.lags)
    from telemetry.stats import percentile

    per_batch_p95 = [r.lag_p95 for r in reports if r.lags]
    figures[f"publish lag at {LAG_RATE:,}/s for {lag_events / LAG_RATE:.0f}s, publisher every {publish_every:.0f}s"] = (
        f"p50 {percentile(lags, 50):.2f}s, p95 {percentile(lags, 95):.2f}s over {len(lags):,} events "
        f"in {len(reports)} batches (worst batch p95 {max(per_batch_p95):.2f}s; "
        f"achieved {achieved:,.0f} events/s)")


def main() -> dict[str, str]:
    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as lake, override_settings(
            TELEMETRY_LAKE_DIR=Path(lake), TELEMETRY_SINK="local", DEBUG=False,
            TELEMETRY_PUBLISH_BATCH_SIZE=5000):
        _emit_figures(figures)
        _middleware_figures(figures)
        for publish_every, seconds in LAG_RUNS:
            _lag_figures(figures, publish_every, seconds)
    return figures
