"""Moves outbox rows to the lake in batches; each batch is marked published only after it landed."""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from telemetry import metrics
from telemetry.models import OutboxEvent
from telemetry.sinks import get_sink
from telemetry.sinks.base import LakeSink, partition_of

logger = logging.getLogger("fansub.telemetry")


def publish_pending(*, batch_size: int | None = None, sink: LakeSink | None = None) -> int:
    """Publish one batch of unpublished events. Returns how many were published."""
    batch_size = batch_size or settings.TELEMETRY_PUBLISH_BATCH_SIZE
    sink = sink or get_sink()
    with transaction.atomic():
        # Rows that failed before go last, so a partition the sink keeps refusing cannot block the rest.
        pending = OutboxEvent.objects.filter(published_at__isnull=True).order_by("attempts", "id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)  # two publishers never take the same rows
        rows = list(pending[:batch_size])
        if not rows:
            return 0
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
                continue
            published.extend(row.pk for row in group)
        OutboxEvent.objects.filter(pk__in=published).update(published_at=timezone.now())
        return len(published)


def publish_all(*, sink: LakeSink | None = None) -> int:
    """Drain the outbox; stops at the first batch that is not full (failed rows wait for the next run)."""
    size = settings.TELEMETRY_PUBLISH_BATCH_SIZE
    sink = sink or get_sink()  # one client for the whole run, and a misconfiguration fails before any work
    total = 0
    while True:
        count = publish_pending(batch_size=size, sink=sink)
        total += count
        if count < size:
            return total
