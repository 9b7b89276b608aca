"""The Privacy desk in the admin: queue, acting on a request, export download, holds, retention runs, audit."""

import pytest

from governance.models import AuditLog, DataSubjectRequest, LegalHold
from governance.services import dsar, retention
from tests.factories import make_fan, make_staff, verified_login
from tests.governance.privacy_helpers import privacy_staff

pytestmark = pytest.mark.django_db


def _privacy_client(client):
    staff = privacy_staff()
    verified_login(client, staff)
    return staff


def test_queue_shows_due_dates_and_overdue_marks(client):
    staff = _privacy_client(client)
    fan = make_fan(handle="queue_quinn")
    request = dsar.submit_on_behalf(staff, fan, "access")
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_at=request.received_at.replace(year=2020))
    page = client.get("/admin/governance/datasubjectrequest/")
    assert page.status_code == 200
    assert b"queue_quinn" in page.content and b"icon-yes.svg" in page.content  # overdue mark
    assert client.get(f"/admin/governance/datasubjectrequest/{request.pk}/change/").status_code == 200
    for url in ("/admin/governance/legalhold/", "/admin/governance/retentionrun/",
                "/admin/governance/retainedrecord/", "/admin/governance/auditlog/?action=dsar.received"):
        assert client.get(url).status_code == 200, url


def test_staff_record_verify_extend_and_refuse_from_the_desk(client, django_capture_on_commit_callbacks):
    _privacy_client(client)
    fan = make_fan(handle="desk_dora")
    with django_capture_on_commit_callbacks(execute=False):
        created = client.post("/admin/governance/datasubjectrequest/new/",
                              {"subject": "desk_dora", "kind": "rectification", "details": "Wrong country"})
    assert created.status_code == 302
    request = DataSubjectRequest.objects.get(subject=fan)
    act = f"/admin/governance/datasubjectrequest/{request.pk}/act/"
    client.post(act, {"action": "confirm_identity", "reason": "Called back on the account's phone"})
    client.post(act, {"action": "extend", "reason": "", "months": 1})  # refused: no reason
    request.refresh_from_db()
    assert request.status == "in_progress" and request.extended_due_at is None
    client.post(act, {"action": "extend", "reason": "Complex", "months": 2})
    client.post(act, {"action": "complete_rectification", "reason": "Country set to FR"})
    request.refresh_from_db()
    assert request.extended_due_at and request.status == "completed"
    assert AuditLog.objects.filter(object_id=str(request.pk), action="dsar.rectified").exists()


def test_export_download_and_holds_in_the_admin(client, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}
    staff = _privacy_client(client)
    fan = make_fan(handle="hold_hana")
    with django_capture_on_commit_callbacks(execute=True):
        request = dsar.submit_on_behalf(staff, fan, "access", identity_evidence="Signed letter, ID sighted")
    download = client.get(f"/admin/governance/datasubjectrequest/{request.pk}/export/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert AuditLog.objects.filter(action="admin.dsar_export_downloaded").exists()
    placed = client.post("/admin/governance/legalhold/place/", {"name": "Matter 5", "reason": "Dispute",
                                                                "subject": "hold_hana"})
    assert placed.status_code == 302
    hold = LegalHold.objects.get()
    released = client.post(f"/admin/governance/legalhold/{hold.pk}/release/", {"reason": "Settled"})
    assert released.status_code == 302
    hold.refresh_from_db()
    assert hold.status == "released"
    retention.run_retention()
    assert client.get("/admin/governance/retentionrun/").status_code == 200


def test_the_desk_is_for_privacy_staff_only(client):
    other = make_staff()
    verified_login(client, other)
    assert client.get("/admin/governance/datasubjectrequest/").status_code == 403
    assert client.post("/admin/governance/datasubjectrequest/new/", {"subject": "x", "kind": "access"}
                       ).status_code == 403
    assert client.post("/admin/governance/legalhold/place/", {"name": "x", "reason": "y", "subject": "x"}
                       ).status_code == 403
    assert not LegalHold.objects.exists()
