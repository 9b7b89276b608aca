"""Moves outbox rows to the lake in batches; each batch is marked published only after it landed.

Each batch's publish lag (landing time - occurred_at, per event) is measured: its p50/p95 are logged,
observed by the Prometheus histogram, kept as the batch's BatchReport, and a p95 above
TELEMETRY_LAG_ALARM_SECONDS counts PIPELINE_LAG_EXCEEDED.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from telemetry import metrics
from telemetry.models import OutboxEvent
from telemetry.request_buffer import flush_request_events
from telemetry.sinks import get_sink
from telemetry.sinks.base import LakeSink, partition_of
from telemetry.stats import percentile

logger = logging.getLogger("fansub.telemetry")


@dataclass
class BatchReport:
    published: int = 0
    failed: int = 0
    lags: list[float] = field(default_factory=list, repr=False)  # seconds, one per landed event

    @property
    def lag_p50(self) -> float | None:
        return percentile(self.lags, 50)

    @property
    def lag_p95(self) -> float | None:
        return percentile(self.lags, 95)


def _occurred(envelope: dict) -> float:
    return datetime.fromisoformat(envelope["occurred_at"]).timestamp()


def publish_pending(*, batch_size: int | None = None, sink: LakeSink | None = None) -> int:
    """Publish one batch of unpublished events. Returns how many were published."""
    return publish_batch(batch_size=batch_size, sink=sink).published


def publish_batch(*, batch_size: int | None = None, sink: LakeSink | None = None) -> BatchReport:
    """Publish one batch of unpublished events; report what landed and its lag."""
    report = BatchReport()
    batch_size = batch_size or settings.TELEMETRY_PUBLISH_BATCH_SIZE
    sink = sink or get_sink()
    with transaction.atomic():
        # Rows that failed before go last, so a partition the sink keeps refusing cannot block the rest.
        pending = OutboxEvent.objects.filter(published_at__isnull=True).order_by("attempts", "id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)  # two publishers never take the same rows
        rows = list(pending[:batch_size])
        if not rows:
            return report
        by_partition: dict[str, list[OutboxEvent]] = defaultdict(list)
        for row in rows:
            by_partition[partition_of(row.envelope)].append(row)
        published: list[int] = []
        for partition, group in by_partition.items():
            try:
                sink.write_batch(partition, [row.envelope for row in group])
            except Exception as exc:
                logger.exception("lake write failed for %s", partition)
                metrics.increment("EVENT_PUT_FAILED", component="telemetry.publisher")
                OutboxEvent.objects.filter(pk__in=[r.pk for r in group]).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:500])
                report.failed += len(group)
                continue
            landed = time.time()
            report.lags.extend(max(0.0, landed - _occurred(row.envelope)) for row in group)
            published.extend(row.pk for row in group)
        OutboxEvent.objects.filter(pk__in=published).update(published_at=timezone.now())
        report.published = len(published)
    _report_lag(report)
    return report


def _report_lag(report: BatchReport) -> None:
    if not report.lags:
        return
    p50, p95 = report.lag_p50, report.lag_p95
    metrics.observe_publish_lag(report.lags)
    logger.info("published %d events: lag p50 %.1fs p95 %.1fs", report.published, p50, p95)
    if p95 is not None and p95 > settings.TELEMETRY_LAG_ALARM_SECONDS:
        metrics.increment("PIPELINE_LAG_EXCEEDED", component="telemetry.publisher", severity="warning")


def publish_all(*, sink: LakeSink | None = None, reports: list[BatchReport] | None = None) -> int:
    """Drain the outbox; stops at the first batch that is not full (failed rows wait for the next run).

    Request events this process holds in memory are written to the outbox first."""
    size = settings.TELEMETRY_PUBLISH_BATCH_SIZE
    sink = sink or get_sink()  # one client for the whole run, and a misconfiguration fails before any work
    flush_request_events()
    total = 0
    while True:
        report = publish_batch(batch_size=size, sink=sink)
        if reports is not None and (report.published or report.failed):
            reports.append(report)
        total += report.published
        if report.published < size:
            return total
