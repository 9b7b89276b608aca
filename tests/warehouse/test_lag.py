"""The plan's lag test, time-compressed: 10,000 events a minute for 15 simulated minutes, each minute's events
published as they would be (the publisher drains the outbox), the NRT views refreshed, and current within their
bound at the end; the ingestion p95 (landing time - occurred_at) is measured per minute and reported."""

import statistics
import time

import pytest
from django.db import transaction

from telemetry.events import emit
from telemetry.publisher import BatchReport, publish_all
from telemetry.stats import percentile
from warehouse import selectors
from warehouse.services import nrt

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PER_MINUTE, MINUTES = 10_000, 15


def test_ten_thousand_events_a_minute_for_fifteen_minutes(settings, capsys, record_property):
    settings.TELEMETRY_PUBLISH_BATCH_SIZE = 2_000
    p95_per_minute = []
    started = time.monotonic()
    for minute in range(MINUTES):
        with transaction.atomic():  # one "minute" of traffic: views from many pages
            for n in range(PER_MINUTE):
                emit("post.viewed", {"post_id": minute * PER_MINUTE + n + 1, "creator_id": "c" * 32})
        reports: list[BatchReport] = []
        assert publish_all(reports=reports) == PER_MINUTE
        p95_per_minute.append(percentile([lag for report in reports for lag in report.lags], 95))
    elapsed = time.monotonic() - started
    result = nrt.refresh()
    assert not result.models_failed and nrt.check_age()
    freshness = {row["event_type"]: row for row in selectors.rows("nrt.nrt_ingestion_freshness")}
    assert freshness["post.viewed"]["events_last_hour"] == PER_MINUTE * MINUTES
    assert freshness["post.viewed"]["seconds_behind"] <= settings.WAREHOUSE_NRT_MAX_AGE_SECONDS
    worst = max(p95_per_minute)
    figure = (f"{PER_MINUTE * MINUTES} events in {elapsed:.1f}s ({PER_MINUTE * MINUTES / elapsed:,.0f}/s); "
              f"ingestion p95 per minute: median {statistics.median(p95_per_minute):.2f}s, worst {worst:.2f}s "
              f"(SLO 60 s)")
    # In the terminal summary (tests/conftest.py), which xdist workers reach; the print shows in serial runs.
    record_property("report:lag test ingestion p95", figure)
    with capsys.disabled():
        print(f"\nlag test: {figure}")
    assert worst <= 60  # §1.13 M: ingestion p95 within 60 s
