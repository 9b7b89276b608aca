"""Trust marts from the moderation, DMCA and privacy events: queue age, the DMCA clock, DSARs due."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from telemetry.events import emit
from warehouse import selectors
from warehouse.services import dashboards

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def report(category: str, *, hours_ago: float, merged: bool = False) -> str:
    report_id = str(uuid.uuid4())
    emit("moderation.report_filed", {"report_id": report_id, "target_kind": "post", "category": category,
                                     "source": "user", "merged": merged},
         occurred_at=timezone.now() - timedelta(hours=hours_ago))
    return report_id


def test_queue_age_dmca_clock_and_dsar_due(publish_and_build):
    oldest = report("harassment", hours_ago=30)
    report("harassment", hours_ago=2)
    acted = report("spam", hours_ago=50)
    emit("moderation.action_taken", {"action_id": str(uuid.uuid4()), "report_id": acted, "kind": "dismiss",
                                     "rule": "spam", "target_kind": "post", "subject_id": None, "strike": False,
                                     "suspend_days": None})
    assert oldest
    waiting, restored = uuid.uuid4().hex, uuid.uuid4().hex
    for notice in (waiting, restored):
        emit("dmca.counter_notice_received", {"counter_notice_id": uuid.uuid4().hex, "notice_id": notice,
                                              "restore_from": "2026-12-15", "restore_by": "2026-12-21"})
    emit("dmca.material_restored", {"notice_id": restored, "counter_notice_id": uuid.uuid4().hex, "items": 1,
                                    "business_day": 10})
    late, done = uuid.uuid4().hex, uuid.uuid4().hex
    emit("dsar.transitioned", {"request_id": late, "kind": "access", "from_status": "", "to_status": "received",
                               "channel": "self"}, occurred_at=timezone.now() - timedelta(days=40))
    emit("dsar.transitioned", {"request_id": done, "kind": "access", "from_status": "", "to_status": "received",
                               "channel": "self"}, occurred_at=timezone.now() - timedelta(days=3))
    emit("dsar.transitioned", {"request_id": done, "kind": "access", "from_status": "received",
                               "to_status": "completed", "channel": "self"})
    assert publish_and_build().ok
    queue = {row["category"]: row for row in selectors.rows("gold.gold_moderation_queue")}
    assert set(queue) == {"harassment"} and queue["harassment"]["open_reports"] == 2
    assert 29 <= queue["harassment"]["oldest_age_hours"] <= 31
    assert [row["notice_id"] for row in selectors.rows("gold.gold_dmca_clock")] == [waiting]
    [dsar] = selectors.rows("gold.gold_dsar_due")
    assert (dsar["kind"], dsar["open_requests"], dsar["overdue"]) == ("access", 1, 1)
    trust = dashboards.refresh("trust")
    assert {d["name"] for d in trust["datasets"]} >= {"queue_age", "dmca_clock", "quarantines", "dsar_due"}
