"""Identical reports sent at once through the HTTP stack merge into one open case (PostgreSQL)."""

import pytest

from moderation.models import Report, ReportFiling
from tests.factories import make_creator, make_fan, make_post
from tests.http_race import Call, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_identical_reports_make_one_case(live_server):
    creator = make_creator()
    post = make_post(creator, public=True)
    fans = [make_fan() for _ in range(6)]
    body = {"target_kind": "post", "target_id": str(post.pk), "category": "harassment"}
    responses = race(live_server, [Call(fan, "/api/v1/reports/", body, f"k{i}") for i, fan in enumerate(fans)])
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.json()["id"] for r in responses}) == 1
    report = Report.objects.get()
    assert report.filings_count == 6 and ReportFiling.objects.count() == 6
