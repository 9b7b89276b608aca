"""Operational metrics: the error codes of §1.13 L as counters labelled env, component, severity.

Counts live in the database (MetricCounter), so every process — web, worker, beat — adds to the same
series. They leave in two ways:
- Prometheus: GET /metrics (telemetry/views.py) renders every code as `fansub_<code>_total` with its
  labels (a code never counted is exposed at 0 with its default labels, so alerts see the series), and
  the publish lag gauges;
- CloudWatch: push_to_cloudwatch() sends what was counted since the last push (PutMetricData, one
  metric per code, dimensions Environment/Component/Severity) and the publish lag; the alarms of
  telemetry/alarms.py and infra/ are defined on those metrics.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from telemetry.models import MetricCounter, OutboxEvent
from telemetry.stats import percentile

logger = logging.getLogger("fansub.metrics")


@dataclass(frozen=True)
class Code:
    name: str
    component: str  # default component label: who raises it
    severity: str  # default severity label
    description: str


# §1.13 L: each code is a metric with env, component and severity labels, and has an alarm and a runbook.
CODES: dict[str, Code] = {c.name: c for c in (
    Code("EVENT_SCHEMA_INVALID", "telemetry.emit", "error", "An event failed its JSON Schema or the PII scan"),
    Code("EVENT_ENVELOPE_INVALID", "telemetry.emit", "error", "An event's envelope is malformed"),
    Code("EVENT_PUT_FAILED", "telemetry.publisher", "error", "A lake sink refused a batch (S3/Firehose/EventBridge)"),
    Code("PIPELINE_LAG_EXCEEDED", "telemetry.publisher", "warning", "A batch landed with p95 lag over the limit"),
    Code("CTAS_FAILURE", "warehouse", "error", "A CTAS / dbt model build failed"),
    Code("QUALITY_CHECK_FAILED", "warehouse", "error", "A data quality test failed"),
    Code("ATHENA_SCANNED_BYTES_BREACH", "warehouse", "warning", "Athena bytes scanned over the daily budget"),
    Code("BI_REFRESH_FAILED", "bi", "error", "A BI dataset refresh failed"),
    Code("DSAR_CONFLICT", "governance", "error", "A DSAR could not proceed (hold, duplicate or state conflict)"),
)}
SEVERITIES = ("info", "warning", "error", "critical")
LAG_GAUGES = {"publish_lag_p50_ms": "PublishLagP50", "publish_lag_p95_ms": "PublishLagP95"}


def env_label() -> str:
    """The `env` label: TELEMETRY_ENV_LABEL (e.g. stage, production), else DJANGO_ENV."""
    return settings.TELEMETRY_ENV_LABEL or settings.DJANGO_ENV


def labels_of(component: str, severity: str) -> str:
    return f"env={env_label()},component={component},severity={severity}"


def parse_labels(labels: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in labels.split(",") if "=" in part)


def increment(name: str, *, component: str, severity: str = "error", amount: int = 1) -> None:
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    labels = labels_of(component, severity)
    logger.warning("metric %s %s +%d", name, labels, amount)
    _add(name, labels, amount)


def _add(name: str, labels: str, amount: int) -> None:
    updated = MetricCounter.objects.filter(name=name, labels=labels).update(value=F("value") + amount)
    if not updated:
        try:
            with transaction.atomic():
                MetricCounter.objects.create(name=name, labels=labels, value=amount)
        except IntegrityError:
            MetricCounter.objects.filter(name=name, labels=labels).update(value=F("value") + amount)


def set_gauge(name: str, amount: int, *, component: str) -> None:
    labels = labels_of(component, "info")
    if not MetricCounter.objects.filter(name=name, labels=labels).update(value=amount):
        try:
            with transaction.atomic():
                MetricCounter.objects.create(name=name, labels=labels, value=amount)
        except IntegrityError:
            MetricCounter.objects.filter(name=name, labels=labels).update(value=amount)


def observe_publish_lag(lags: list[float]) -> None:
    """Record one batch's lag (seconds per event) as the p50/p95 gauges."""

    for name, pct in (("publish_lag_p50_ms", 50), ("publish_lag_p95_ms", 95)):
        set_gauge(name, round((percentile(lags, pct) or 0.0) * 1000), component="telemetry.publisher")


def outbox_backlog() -> tuple[int, float]:
    """(events waiting in the outbox, age in seconds of the oldest): stays honest when the publisher stops."""
    from django.db.models import Count, Min
    from django.utils import timezone


    found = OutboxEvent.objects.filter(published_at__isnull=True).aggregate(n=Count("id"), oldest=Min("created_at"))
    if not found["n"]:
        return 0, 0.0
    return found["n"], max(0.0, (timezone.now() - found["oldest"]).total_seconds())


def value(name: str) -> int:
    return sum(MetricCounter.objects.filter(name=name).values_list("value", flat=True))


# --- Prometheus ---------------------------------------------------------------------------------------

class DatabaseCollector:
    """A prometheus_client collector that reads the counters from the database at scrape time."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        rows = list(MetricCounter.objects.values_list("name", "labels", "value"))
        by_name: dict[str, list[tuple[dict[str, str], int]]] = {}
        for name, labels, count in rows:
            by_name.setdefault(name, []).append((parse_labels(labels), count))
        for code in CODES.values():
            family = CounterMetricFamily(f"fansub_{code.name.lower()}", code.description,
                                         labels=["env", "component", "severity"])
            series = by_name.get(code.name) or [
                (parse_labels(labels_of(code.component, code.severity)), 0)]
            for labels, count in series:
                family.add_metric([labels.get("env", ""), labels.get("component", ""), labels.get("severity", "")],
                                  count)
            yield family
        pending, oldest = outbox_backlog()
        env_labels = ["env", "component"]
        waiting = GaugeMetricFamily("fansub_outbox_pending_events", "Events waiting in the outbox", labels=env_labels)
        waiting.add_metric([env_label(), "telemetry.publisher"], pending)
        yield waiting
        age = GaugeMetricFamily("fansub_outbox_oldest_pending_seconds", "Age of the oldest unpublished event",
                                labels=env_labels)
        age.add_metric([env_label(), "telemetry.publisher"], oldest)
        yield age
        for gauge, _cloudwatch_name in LAG_GAUGES.items():
            family = GaugeMetricFamily(f"fansub_{gauge.removesuffix('_ms')}_seconds",
                                       "Publish lag of the last published batch (landing - occurred_at)",
                                       labels=["env", "component"])
            for labels, amount in by_name.get(gauge, []):
                family.add_metric([labels.get("env", ""), labels.get("component", "")], amount / 1000)
            yield family


def prometheus_text() -> bytes:
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())  # type: ignore[arg-type]
    return generate_latest(registry)


# --- CloudWatch ---------------------------------------------------------------------------------------

def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def cloudwatch_datum(name: str, labels: str, amount: float, unit: str) -> dict[str, Any]:
    parsed = parse_labels(labels)
    return {"MetricName": name, "Value": amount, "Unit": unit, "Dimensions": [
        {"Name": "Environment", "Value": parsed.get("env", env_label())},
        {"Name": "Component", "Value": parsed.get("component", "unknown")},
        {"Name": "Severity", "Value": parsed.get("severity", "error")},
    ]}


def push_to_cloudwatch(*, client: Any = None, namespace: str | None = None) -> int:
    """PutMetricData of what was counted since the last push, and the lag gauges. Returns data sent.

    A counter's pushed_value moves only after CloudWatch accepted it, so a failed push is sent again
    by the next run (never lost, never counted twice by a successful run)."""
    namespace = namespace or settings.TELEMETRY_CLOUDWATCH_NAMESPACE
    if not namespace:
        raise ValueError("TELEMETRY_CLOUDWATCH_NAMESPACE is not set")
    if client is None:
        import boto3

        client = boto3.client("cloudwatch", endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)
    pending: list[tuple[MetricCounter, dict[str, Any]]] = []
    for row in MetricCounter.objects.order_by("id"):
        if row.name in CODES and row.value > row.pushed_value:
            pending.append((row, cloudwatch_datum(row.name, row.labels, row.value - row.pushed_value, "Count")))
        elif row.name in LAG_GAUGES:
            pending.append((row, cloudwatch_datum(LAG_GAUGES[row.name], row.labels, row.value / 1000, "Seconds")))
    _count, oldest = outbox_backlog()
    backlog = MetricCounter(name="outbox_oldest_pending", labels=labels_of("telemetry.publisher", "info"))
    pending.append((backlog, cloudwatch_datum("OutboxOldestPendingAge", backlog.labels, oldest, "Seconds")))
    for chunk in _chunks(pending, 500):  # PutMetricData takes up to 1,000 data per call
        client.put_metric_data(Namespace=namespace, MetricData=[datum for _, datum in chunk])
        for row, _datum in chunk:
            if row.name in CODES:
                MetricCounter.objects.filter(pk=row.pk).update(pushed_value=row.value)
    return len(pending)
