"""Near-real-time views: current within their bound after a refresh, late views counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from telemetry import metrics
from telemetry.events import emit
from telemetry.publisher import publish_all
from warehouse import selectors
from warehouse.services import nrt
from warehouse.tasks import refresh_nrt

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_nrt_views_are_current_after_a_refresh_and_late_ones_are_counted(settings):
    for attempt, event_type in ((1, "payout.failed"), (2, "payout.failed")):
        emit(event_type, {"payout_id": "1" * 32, "creator_id": "c" * 32, "amount_minor": 2500, "currency": "EUR",
                          "attempt": attempt, "failure_code": "account_closed"})
    emit("payout.failed", {"payout_id": "2" * 32, "creator_id": "d" * 32, "amount_minor": 900, "currency": "EUR",
                           "attempt": 1, "failure_code": None})
    emit("payout.paid", {"payout_id": "2" * 32, "creator_id": "d" * 32, "amount_minor": 900, "currency": "EUR",
                         "attempt": 2})
    publish_all()
    assert nrt.refreshed_at() is None and not nrt.check_age()  # never built: late
    counted = metrics.value("PIPELINE_LAG_EXCEEDED")
    assert refresh_nrt()["models_failed"] == 0
    assert nrt.check_age() and metrics.value("PIPELINE_LAG_EXCEEDED") == counted
    assert selectors.rows("nrt.nrt_payout_backlog") == [
        {**selectors.rows("nrt.nrt_payout_backlog")[0], "currency": "EUR", "failed_payouts": 1, "amount_minor": 2500}]
    freshness = {row["event_type"]: row for row in selectors.rows("nrt.nrt_ingestion_freshness")}
    assert freshness["payout.failed"]["seconds_behind"] < settings.WAREHOUSE_NRT_MAX_AGE_SECONDS
    later = timezone.now() + timedelta(seconds=settings.WAREHOUSE_NRT_MAX_AGE_SECONDS + 1)
    assert not nrt.check_age(now=later)
    assert metrics.value("PIPELINE_LAG_EXCEEDED") == counted + 1
