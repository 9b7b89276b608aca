"""Staff dashboards: refreshed from the marts (each query's bytes recorded), each group sees only its own,
a failed refresh keeps the last snapshot and counts BI_REFRESH_FAILED."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice

from telemetry import metrics
from telemetry.events import emit
from telemetry.pseudonyms import actor_pseudonym
from tests.factories import PASSWORD, make_creator, make_fan, make_staff
from warehouse.models import QueryScan
from warehouse.services import dashboards
from warehouse.tasks import build_recent

pytestmark = pytest.mark.django_db


def login(client, group: str):
    staff = make_staff(handle=f"staff_{group.split()[0].lower()}")
    staff.groups.add(Group.objects.get(name=group))
    device = StaticDevice.objects.create(user=staff, name="backup")
    device.token_set.create(token="abc12345")
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "otp_device": device.persistent_id,
                                  "otp_token": "abc12345", "next": "/admin/"})
    return staff


@pytest.mark.slow
def test_dashboards_refresh_after_a_build_and_show_gmv(client):
    creator, fan = make_creator(), make_fan()
    emit("payment.charge_succeeded", {
        "payment_id": "e" * 32, "fan_id": actor_pseudonym(fan), "creator_id": actor_pseudonym(creator),
        "purpose": "tip", "amount_minor": 1234, "currency": "EUR", "tax_minor": 0, "platform_fee_minor": 247,
        "provider": "simulator", "tax_country": "DE", "escrow": False}, actor=fan)
    from telemetry.publisher import publish_all
    publish_all()
    outcome = build_recent()
    assert outcome["models_failed"] == 0 and outcome["dashboards_failed"] == 0
    executive = dashboards.snapshot("executive")
    gmv = executive["datasets"][0]
    assert gmv["rows"][0][gmv["columns"].index("gmv_minor")] == 1234
    assert QueryScan.objects.filter(dashboard="executive").count() == len(dashboards.DASHBOARDS["executive"].datasets)
    login(client, "Finance")
    page = client.get("/admin/warehouse/queryscan/dashboards/executive/")
    assert page.status_code == 200 and b"1234" in page.content and b"<svg" in page.content
    assert client.get("/admin/warehouse/queryscan/dashboards/growth/").status_code == 403
    assert client.get("/admin/warehouse/queryscan/dashboards/nothing/").status_code == 404


def test_each_group_sees_only_its_dashboards(client):
    trust = login(client, "Trust & Safety")
    assert [d.key for d in dashboards.visible_to(trust)] == ["trust"]
    assert client.get("/admin/warehouse/queryscan/dashboards/trust/").status_code == 200
    assert client.get("/admin/warehouse/queryscan/dashboards/executive/").status_code == 403
    assert b"Not refreshed yet" in client.get("/admin/warehouse/queryscan/dashboards/trust/").content
    growth = make_staff(handle="growth_1")
    growth.groups.add(Group.objects.get(name="Growth"))
    assert [d.key for d in dashboards.visible_to(growth)] == ["growth"]


def test_a_failed_refresh_keeps_the_last_snapshot_and_counts_BI_REFRESH_FAILED(settings):
    # Nothing built: the marts are missing, so the query fails.
    with pytest.raises(Exception):
        dashboards.refresh("operations")
    assert metrics.value("BI_REFRESH_FAILED") == 1
    assert dashboards.snapshot("operations") is None
    assert dashboards.refresh_all() == {key: "failed" for key in dashboards.DASHBOARDS}
    assert metrics.value("BI_REFRESH_FAILED") == 1 + len(dashboards.DASHBOARDS)
