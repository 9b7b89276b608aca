import pytest
from django.contrib.auth.models import Permission
from django_otp.plugins.otp_static.models import StaticDevice

from governance.models import AuditLog
from payments.models import LedgerEntry, LedgerTransaction, Payment, Refund
from payments.services import purchases
from tests.factories import PASSWORD, make_staff
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db


def _login(client, user):
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token="abc12345")
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD, "otp_token": "abc12345",
                                             "next": "/admin/"})
    assert response.status_code == 302  # one round: email, password and code together


@pytest.fixture
def finance(client):
    staff = make_staff(handle="finance_1")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="payments",
                                                          codename__startswith="view_"),
                               Permission.objects.get(codename="refund_payment"))
    _login(client, staff)
    return staff


def test_ledger_is_read_only_in_admin(client, finance, fan, creator):
    purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB)
    txn = LedgerTransaction.objects.get()
    assert client.get("/admin/payments/ledgertransaction/").status_code == 200
    page = client.get(f"/admin/payments/ledgertransaction/{txn.pk}/change/")
    assert page.status_code == 200 and b"creator_pending" in page.content
    entry = LedgerEntry.objects.first()
    assert client.post(f"/admin/payments/ledgerentry/{entry.pk}/change/", {"amount": 1}).status_code == 403
    assert client.post(f"/admin/payments/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/payments/ledgerentry/add/").status_code == 403
    for name in ("ledgeraccount", "ledgerentry", "payment", "receipt", "webhookevent", "payout", "dispute"):
        assert client.get(f"/admin/payments/{name}/").status_code == 200, name


def test_refund_action_asks_for_amount_and_reason_then_refunds_and_audits(client, finance, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    form = client.post("/admin/payments/payment/", {"action": "refund_action", "_selected_action": [payment.pk]})
    assert form.status_code == 200 and b"Refund payment" in form.content
    token = form.context["form_token"]
    data = {"action": "refund_action", "_selected_action": [payment.pk], "confirm": "1", "form_token": token,
            "amount": "2.50", "reason": "goodwill", "note": "creator posted late"}
    assert client.post("/admin/payments/payment/", data).status_code == 302
    assert client.post("/admin/payments/payment/", data).status_code == 302  # double submit: same refund
    refund = Refund.objects.get()
    assert refund.amount == 250 and refund.reason == "goodwill" and refund.requested_by == finance
    audit = AuditLog.objects.filter(action="admin.refund")
    assert audit.count() >= 1 and audit.first().reason == "creator posted late"
    assert AuditLog.objects.filter(action="payments.refund_requested", reason="creator posted late").exists()
    assert Payment.objects.get().amount_refunded == 250


def test_refund_action_refusal_is_reported_not_raised(client, finance, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    data = {"action": "refund_action", "_selected_action": [payment.pk], "confirm": "1", "form_token": "t1",
            "amount": "99.00", "reason": "goodwill", "note": "too much"}
    response = client.post("/admin/payments/payment/", data, follow=True)
    assert b"Refund refused" in response.content and Refund.objects.count() == 0


def test_refund_action_needs_the_permission(client, fan, creator):
    staff = make_staff(handle="viewer_1")
    staff.user_permissions.add(Permission.objects.get(codename="view_payment"))
    _login(client, staff)
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    data = {"action": "refund_action", "_selected_action": [payment.pk], "confirm": "1", "form_token": "t",
            "amount": "1.00", "reason": "goodwill", "note": "x"}
    client.post("/admin/payments/payment/", data)
    assert Refund.objects.count() == 0


@pytest.mark.django_db
def test_finance_group_may_refund_and_see_transfer_reversals_but_not_read_producer_records():
    from django.contrib.auth.models import Group

    codes = {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="Finance").permissions.all()}
    assert {"payments.refund_payment", "payments.view_transferreversal", "payments.change_payout"} <= codes
    assert "verification.view_producerrecord" not in codes
