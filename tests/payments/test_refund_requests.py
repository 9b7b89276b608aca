"""Refunds people ask for: the fan asks (page, API), the creator decides within the policy (studio page, API),
Trust & Safety / Finance decide in the admin. Happy paths and refusals: wrong user, wrong state, replay,
over the creator's limits, amount 0."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from common.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    RefundOverCreatorLimit,
    RefundRequestNotAllowed,
    ValidationFailed,
)
from governance.models import AuditLog
from payments.models import Receipt, Refund, RefundRequest
from payments.providers.provider_errors import ProviderUnavailable
from payments.providers.simulator import SimulatorProvider
from payments.services import purchases, refund_requests
from payments.services.refund_requests import Decision
from payments.services.verify import verify
from telemetry.models import OutboxEvent
from tests.factories import PASSWORD, make_creator, make_fan, make_staff
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(fan, creator):
    return purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment  # £12.00


def _ask(fan, payment, **kw):
    return refund_requests.request_refund(fan, str(payment.public_id), reason=kw.pop("reason", "not_delivered"),
                                          message=kw.pop("message", "It never arrived"), **kw)


def test_fan_asks_creator_refunds_in_full(fan, creator, paid):
    row = _ask(fan, paid)
    assert row.status == "requested" and row.creator_id == creator.pk
    done = refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
    assert done.status == "refunded" and done.amount_refunded == 1200 and done.decided_as == "creator"
    paid.refresh_from_db()
    assert paid.amount_refunded == 1200 and Refund.objects.get().reason == "requested_by_customer"
    note = Receipt.objects.get(kind="credit_note")
    assert note.refund_id == done.refund_id
    assert AuditLog.objects.filter(action="payments.refund_request_refunded").exists()
    types = set(OutboxEvent.objects.values_list("event_type", flat=True))
    assert {"refund_request.created", "refund_request.decided", "payment.refunded"} <= types
    assert verify().ok


def test_partial_refund_by_the_creator(fan, creator, paid):
    row = _ask(fan, paid)
    done = refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(300)))
    assert done.status == "partially_refunded" and done.amount_refunded == 300
    paid.refresh_from_db()
    assert paid.refundable == gbp(900)
    # Closed: a second decision is a wrong state, not a second refund.
    with pytest.raises(InvalidTransition):
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(300)))
    assert Refund.objects.count() == 1
    # The fan may ask again for the rest.
    again = _ask(fan, paid)
    assert again.pk != row.pk and again.status == "requested"


def test_amount_zero_and_over_refundable_are_refused(fan, creator, paid):
    row = _ask(fan, paid)
    with pytest.raises(ValidationFailed):
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(0)))
    with pytest.raises(ValidationFailed):
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(1201)))
    with pytest.raises(ValidationFailed):
        refund_requests.request_refund(fan, str(paid.public_id), reason="bogus")
    assert Refund.objects.count() == 0


def test_fan_amount_zero_refused(fan, paid):
    with pytest.raises(ValidationFailed):
        _ask(fan, paid, amount=gbp(0))
    with pytest.raises(ValidationFailed):
        _ask(fan, paid, amount=gbp(5000))
    assert not RefundRequest.objects.exists()


def test_over_the_creator_limits_needs_trust_and_safety(fan, creator, paid, settings):
    settings.REFUND_CREATOR_MAX_MINOR = 500
    row = _ask(fan, paid)
    with pytest.raises(RefundOverCreatorLimit):
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
    assert refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(500))).status == \
        "partially_refunded"
    settings.REFUND_CREATOR_MAX_MINOR = 100000
    settings.REFUND_CREATOR_MAX_DAYS = 3
    row = _ask(fan, paid)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=4)):
        with pytest.raises(RefundOverCreatorLimit):
            refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
        escalated = refund_requests.creator_decide(creator, str(row.public_id), Decision("escalate", note="old"))
    assert escalated.status == "escalated"
    with pytest.raises(PermissionDeniedError):  # the creator no longer decides it
        refund_requests.creator_decide(creator, str(row.public_id), Decision("decline"))
    staff = make_staff(handle="finance_rr")
    staff.groups.add(Group.objects.get(name="Finance"))
    done = refund_requests.staff_decide(staff, str(row.public_id), Decision("refund"))
    assert done.status == "refunded" and done.decided_as == "staff"
    assert verify().ok


def test_request_window(fan, paid, settings):
    settings.REFUND_REQUEST_WINDOW_DAYS = 10
    later = timezone.now() + timedelta(days=11)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(RefundRequestNotAllowed):
        _ask(fan, paid)


def test_wrong_users(fan, creator, paid):
    with pytest.raises(NotFoundError):  # another fan cannot ask about this payment
        _ask(make_fan(), paid)
    row = _ask(fan, paid)
    other_creator = make_creator(country="GB", verified=True)
    with pytest.raises(NotFoundError):
        refund_requests.creator_decide(other_creator, str(row.public_id), Decision("refund"))
    with pytest.raises(PermissionDeniedError):  # a fan is not the creator
        refund_requests.creator_decide(fan, str(row.public_id), Decision("refund"))
    with pytest.raises(PermissionDeniedError):  # staff without the refund permission
        refund_requests.staff_decide(make_staff(handle="no_perm"), str(row.public_id), Decision("refund"))
    with pytest.raises(NotFoundError):
        refund_requests.withdraw(make_fan(), str(row.public_id))
    assert Refund.objects.count() == 0


def test_replay_and_wrong_state(fan, creator, paid):
    row = _ask(fan, paid)
    assert _ask(fan, paid).pk == row.pk  # asking twice while open is the same request
    refund_requests.creator_decide(creator, str(row.public_id), Decision("decline", note="delivered on time"))
    with pytest.raises(InvalidTransition):
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
    with pytest.raises(InvalidTransition):
        refund_requests.withdraw(fan, str(row.public_id))
    # A fully refunded purchase cannot be asked about again.
    purchases.refund(paid, None, "goodwill", idempotency_key="all")
    with pytest.raises(RefundRequestNotAllowed):
        _ask(fan, paid)


def test_a_lost_provider_answer_is_redriven_with_the_same_key(fan, creator, paid):
    row = _ask(fan, paid)
    lost = mock.patch.object(SimulatorProvider, "refund_payment", side_effect=ProviderUnavailable("timeout"))
    with lost, pytest.raises(Exception) as exc:
        refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
    assert getattr(exc.value, "code", "") == "PAYMENT_PROVIDER_UNAVAILABLE"
    row.refresh_from_db()
    assert row.status == "requested"
    done = refund_requests.creator_decide(creator, str(row.public_id), Decision("refund"))
    assert done.status == "refunded" and Refund.objects.count() == 1
    assert verify().ok


def test_withdraw(fan, paid):
    row = _ask(fan, paid)
    assert refund_requests.withdraw(fan, str(row.public_id)).status == "withdrawn"


# --- pages and API -------------------------------------------------------------------------------
def test_fan_pages_show_the_state_and_the_credit_note_fee_lines(client, fan, creator, paid):
    client.force_login(fan)
    purchases_page = client.get("/payments/purchases/").content.decode()
    assert f"/payments/purchases/{paid.public_id}/refund/" in purchases_page and "Ask for a refund" in purchases_page
    receipt = Receipt.objects.get(kind="receipt")
    ask_url = f"/payments/purchases/{paid.public_id}/refund/"
    assert ask_url in client.get(f"/payments/receipts/{receipt.public_id}/").content.decode()
    r = client.post(ask_url, {"reason": "not_delivered", "message": "nothing came", "amount": "5.00"})
    assert r.status_code == 302
    row = RefundRequest.objects.get()
    assert row.amount_requested == 500
    assert 'data-refund-status="requested"' in client.get("/payments/purchases/").content.decode()
    client.force_login(creator)
    studio = client.get("/studio/money/refunds/").content.decode()
    assert str(row.public_id) in studio and "nothing came" in studio and 'data-status="requested"' in studio
    r = client.post("/studio/money/refunds/", {"request_id": str(row.public_id), "action": "refund", "amount": ""})
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.status == "partially_refunded" and row.amount_refunded == 500
    assert 'data-status="partially_refunded"' in client.get("/studio/money/refunds/").content.decode()
    client.force_login(fan)
    page = client.get(f"/payments/purchases/{paid.public_id}/refund/").content.decode()
    assert "Partially refunded" in page and "Credit note" in page
    note = Receipt.objects.get(kind="credit_note")
    credit = client.get(f"/payments/receipts/{note.public_id}/").content.decode()
    assert "platform fee" in credit  # every receipt and credit note shows the fee lines


def test_studio_refund_zero_is_refused_on_the_page(client, fan, creator, paid):
    row = _ask(fan, paid)
    client.force_login(creator)
    r = client.post("/studio/money/refunds/", {"request_id": str(row.public_id), "action": "refund", "amount": "0"},
                    follow=True)
    assert "more than zero" in r.content.decode() or "invalid" in r.content.decode().lower()
    assert Refund.objects.count() == 0
    other = make_creator(country="GB", verified=True)
    client.force_login(other)
    assert client.post("/studio/money/refunds/", {"request_id": str(row.public_id), "action": "decline"}
                       ).status_code == 404


def test_api_fan_asks_and_creator_decides_with_idempotency(api_client, fan, creator, paid):
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/payments/{paid.public_id}/refund-requests/", {"reason": "accidental"},
                        format="json")
    assert r.status_code == 201 and r.json()["status"] == "requested", r.json()
    again = api_client.post(f"/api/v1/payments/{paid.public_id}/refund-requests/", {"reason": "accidental"},
                            format="json")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    request_id = r.json()["id"]
    # The fan cannot decide their own request.
    denied = api_client.post(f"/api/v1/refund-requests/{request_id}/decision/", {"action": "refund"}, format="json",
                             HTTP_IDEMPOTENCY_KEY="d0")
    assert denied.status_code == 404
    api_client.force_authenticate(creator)
    zero = api_client.post(f"/api/v1/refund-requests/{request_id}/decision/", {"action": "refund", "amount_minor": 0},
                           format="json", HTTP_IDEMPOTENCY_KEY="d1")
    assert zero.status_code == 400
    d = api_client.post(f"/api/v1/refund-requests/{request_id}/decision/", {"action": "refund", "amount_minor": 200},
                        format="json", HTTP_IDEMPOTENCY_KEY="d2")
    assert d.status_code == 200 and d.json()["status"] == "partially_refunded", d.json()
    replay = api_client.post(f"/api/v1/refund-requests/{request_id}/decision/",
                             {"action": "refund", "amount_minor": 200}, format="json", HTTP_IDEMPOTENCY_KEY="d2")
    assert replay.status_code == 200 and replay.json() == d.json()
    wrong_state = api_client.post(f"/api/v1/refund-requests/{request_id}/decision/", {"action": "decline"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="d3")
    assert wrong_state.status_code == 409 and wrong_state.json()["error"]["code"] == "INVALID_TRANSITION"
    assert Refund.objects.count() == 1
    other = make_fan()
    api_client.force_authenticate(other)
    assert api_client.post(f"/api/v1/payments/{paid.public_id}/refund-requests/", {"reason": "accidental"},
                           format="json").status_code == 404


def _admin_login(client, user):
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token="abc12345")
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD, "otp_device": device.persistent_id,
                                  "otp_token": "abc12345", "next": "/admin/"})


def test_finance_decides_an_escalated_request_in_the_admin(client, fan, creator, paid):
    row = _ask(fan, paid)
    refund_requests.creator_decide(creator, str(row.public_id), Decision("escalate"))
    staff = make_staff(handle="finance_admin_rr")
    staff.groups.add(Group.objects.get(name="Finance"))
    _admin_login(client, staff)
    listing = client.get("/admin/payments/refundrequest/")
    assert listing.status_code == 200 and b"Escalated" in listing.content
    base = {"action": "decide_action", "_selected_action": [row.pk], "confirm": "1", "decision": "refund",
            "note": "bank says"}
    zero = client.post("/admin/payments/refundrequest/", {**base, "amount": "0"})
    assert zero.status_code == 200 and b"more than zero" in zero.content
    assert client.post("/admin/payments/refundrequest/", {**base, "amount": "4.00"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "partially_refunded" and row.amount_refunded == 400 and row.decided_by_id == staff.pk
