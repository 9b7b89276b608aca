"""Publish lag: measured per batch (landing time - occurred_at), reported as p50/p95, alarmed above the SLO."""

from datetime import UTC, datetime, timedelta

import pytest

from telemetry import metrics
from telemetry.events import emit
from telemetry.models import MetricCounter
from telemetry.publisher import BatchReport, publish_all, publish_batch
from telemetry.stats import percentile

pytestmark = pytest.mark.django_db


class MemorySink:
    def __init__(self):
        self.written = []

    def write_batch(self, partition, envelopes):
        self.written.extend(envelopes)
        return "memory://"


def _emit_aged(seconds_ago, count=1):
    for _ in range(count):
        emit("account.logged_in", {"surface": "page"}, occurred_at=datetime.now(UTC) - timedelta(seconds=seconds_ago))


def _gauge(name):
    return MetricCounter.objects.get(name=name).value


def test_each_batch_reports_the_lag_of_its_events():
    _emit_aged(30, count=18)
    _emit_aged(90, count=2)
    report = publish_batch(sink=MemorySink())
    assert report.published == 20 and report.failed == 0 and len(report.lags) == 20
    assert 30 <= report.lag_p50 < 35 and 90 <= report.lag_p95 < 95  # nearest rank: the 10th and 19th of 20
    assert 30_000 <= _gauge("publish_lag_p50_ms") < 35_000 and 90_000 <= _gauge("publish_lag_p95_ms") < 95_000
    assert metrics.value("PIPELINE_LAG_EXCEEDED") == 0


def test_a_batch_over_the_lag_limit_counts_pipeline_lag_exceeded(settings):
    settings.TELEMETRY_LAG_ALARM_SECONDS = 120
    _emit_aged(600, count=3)
    publish_all(sink=MemorySink())
    counter = MetricCounter.objects.get(name="PIPELINE_LAG_EXCEEDED")
    assert counter.value == 1
    assert "severity=warning" in counter.labels and "component=telemetry.publisher" in counter.labels


def test_publish_all_collects_one_report_per_batch(settings):
    settings.TELEMETRY_PUBLISH_BATCH_SIZE = 2
    _emit_aged(1, count=5)
    reports = []
    assert publish_all(sink=MemorySink(), reports=reports) == 5
    assert [r.published for r in reports] == [2, 2, 1]


def test_a_failed_batch_reports_no_lag_and_keeps_the_gauges():
    _emit_aged(5)

    class Broken:
        def write_batch(self, partition, envelopes):
            raise OSError("refused")

    report = publish_batch(sink=Broken())
    assert report.published == 0 and report.failed == 1 and report.lag_p95 is None
    assert not MetricCounter.objects.filter(name__startswith="publish_lag").exists()


def test_an_empty_outbox_reports_nothing():
    assert publish_batch(sink=MemorySink()) == BatchReport()


@pytest.mark.parametrize(("values", "pct", "expected"), [
    ([], 50, None), ([4.0], 95, 4.0), ([1, 2, 3, 4], 50, 2), ([1, 2, 3, 4], 95, 4), (list(range(1, 101)), 95, 95),
])
def test_percentile_is_nearest_rank(values, pct, expected):
    assert percentile(values, pct) == expected


def test_the_publisher_runs_every_five_seconds_by_default(settings):
    import os

    if "TELEMETRY_PUBLISH_EVERY_SECONDS" in os.environ:
        pytest.skip("overridden in this environment")
    assert settings.CELERY_BEAT_SCHEDULE["telemetry-publish-outbox"] == {
        "task": "telemetry.publish_outbox", "schedule": 5.0}
