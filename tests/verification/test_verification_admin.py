from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group

from fansub.verification.models import IdentityVerification, ProducerRecord
from fansub.verification.services import creator_verification as cv
from governance.models import AuditLog
from tests.factories import PASSWORD, make_creator, make_staff
from tests.verification.support import admin_login, image_bytes, private_storage, staff_in  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

CUSTODIAN = "Custodian of Records"


def _submitted():
    creator = make_creator()
    return cv.submit_identity(creator, cv.IdentitySubmission(
        legal_name="Admin Test Person", date_of_birth=date(1992, 1, 2), aliases=["Stage Name"],
        id_document_type="national_id", id_document_country="GB",
        id_document_expires_on=date.today() + timedelta(days=400),
        id_image=image_bytes("JPEG"), selfie=image_bytes("PNG")))


def test_groups_have_least_privilege():
    perms = {g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
             for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(perms) >= {"Trust & Safety", "Finance", "Privacy", CUSTODIAN}
    for name in ("Trust & Safety", "Finance", "Privacy"):
        assert "verification.view_producerrecord" not in perms[name]
        assert "verification.review_identityverification" not in perms[name]
    assert {"verification.view_producerrecord", "verification.review_identityverification"} <= perms[CUSTODIAN]
    assert not any(p.startswith(("fansub.delete_", "fansub.add_")) for group in perms.values() for p in group)
    assert "verification.view_identityverification" not in perms["Finance"]


def test_staff_without_two_factor_cannot_enter_the_admin(client):
    staff = staff_in("Trust & Safety")
    # Password only, no OTP token: the login form refuses.
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    # A session logged in by password elsewhere (the site's login page) is still not verified.
    client.post("/login/", {"email": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_with_a_verified_device_can_enter(client):
    staff = staff_in("Trust & Safety")
    admin_login(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_finance_cannot_view_producer_records_and_custodian_can(client):
    verification = _submitted()
    record = ProducerRecord.objects.get(verification=verification)
    finance = staff_in("Finance")
    admin_login(client, finance)
    assert client.get("/admin/verification/producerrecord/").status_code == 403
    assert client.get(f"/admin/verification/producerrecord/{record.pk}/change/").status_code in (302, 403)
    assert client.get(f"/admin/verification/producerrecord/{record.pk}/image/selfie/").status_code == 403
    assert "Admin Test Person" not in client.get("/admin/").content.decode()
    assert not AuditLog.objects.filter(action__startswith="producer_record.").exists()

    client.logout()
    custodian = staff_in(CUSTODIAN)
    admin_login(client, custodian, token="cust1234")
    listing = client.get("/admin/verification/producerrecord/")
    assert listing.status_code == 200 and "Admin Test Person" not in listing.content.decode()
    detail = client.get(f"/admin/verification/producerrecord/{record.pk}/change/")
    assert detail.status_code == 200 and "Admin Test Person" in detail.content.decode()
    image = client.get(f"/admin/verification/producerrecord/{record.pk}/image/id_document/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"] and image.content == image_bytes("JPEG")
    rows = AuditLog.objects.filter(actor=custodian, object_type="verification.producerrecord")
    assert sorted(rows.values_list("action", flat=True)) == [
        "producer_record.list_viewed", "producer_record.viewed", "producer_record.viewed"]


def test_superuser_outside_the_custodian_group_cannot_read_records(client):
    record = ProducerRecord.objects.get(verification=_submitted())
    admin_login(client, make_staff(superuser=True))
    assert client.get(f"/admin/verification/producerrecord/{record.pk}/change/").status_code in (302, 403)
    assert client.get("/admin/verification/producerrecord/").status_code == 403


def _action(client, name, ids, **extra):
    return client.post("/admin/verification/identityverification/",
                       {"action": name, "_selected_action": [str(i) for i in ids], **extra})


def test_admin_approve_needs_a_reason_on_an_intermediate_page_and_is_audited(client):
    verification = _submitted()
    custodian = staff_in(CUSTODIAN)
    admin_login(client, custodian)
    page = _action(client, "approved_selected", [verification.pk], index="0")
    assert page.status_code == 200 and "reason" in page.content.decode()
    assert IdentityVerification.objects.get(pk=verification.pk).status == "pending"
    blank = _action(client, "approved_selected", [verification.pk], apply="Confirm", reason="")
    assert blank.status_code == 200 and IdentityVerification.objects.get(pk=verification.pk).status == "pending"
    done = _action(client, "approved_selected", [verification.pk], apply="Confirm", reason="Documents match")
    assert done.status_code == 302
    verification.refresh_from_db()
    assert verification.status == "approved" and verification.decided_by == custodian
    row = AuditLog.objects.get(action="identity_verification.approved")
    assert row.actor == custodian and row.reason == "Documents match" and row.object_id == str(verification.pk)


def test_admin_reject_by_custodian_and_trust_and_safety_has_no_decision_actions(client):
    verification = _submitted()
    ts = staff_in("Trust & Safety")
    admin_login(client, ts)
    listing = client.get("/admin/verification/identityverification/")
    assert listing.status_code == 200 and "approved_selected" not in listing.content.decode()
    _action(client, "approved_selected", [verification.pk], apply="Confirm", reason="sneaky")
    assert IdentityVerification.objects.get(pk=verification.pk).status == "pending"
    client.logout()
    admin_login(client, staff_in(CUSTODIAN), token="cust9999")
    _action(client, "rejected_selected", [verification.pk], apply="Confirm", reason="Blurry ID")
    verification.refresh_from_db()
    assert verification.status == "rejected" and verification.decision_reason == "Blurry ID"
    assert AuditLog.objects.filter(action="identity_verification.rejected", reason="Blurry ID").count() == 1


def test_group_staff_cannot_grant_privileges_or_reset_passwords(client):
    ts = staff_in("Trust & Safety")
    fan = make_creator()
    other_staff = staff_in("Finance")
    admin_login(client, ts)
    page = client.get(f"/admin/accounts/user/{fan.pk}/change/")
    assert page.status_code == 200
    saved = client.post(f"/admin/accounts/user/{fan.pk}/change/", {
        "email": fan.email, "handle": fan.handle, "is_staff": "on", "is_superuser": "on", "role": "staff"})
    assert saved.status_code == 302  # the save went through: the account is deactivated (is_active unticked)
    fan.refresh_from_db()
    assert not fan.is_active
    assert not fan.is_staff and not fan.is_superuser and fan.role == "creator"
    assert client.get(f"/admin/accounts/user/{fan.pk}/password/").status_code == 403
    assert client.post(f"/admin/accounts/user/{other_staff.pk}/change/", {
        "email": other_staff.email, "handle": other_staff.handle}).status_code == 403
    other_staff.refresh_from_db()
    assert other_staff.is_active
