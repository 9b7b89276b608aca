"""Issue 4/5's check: a request goes submitted → countered → accepted (held) → delivered → disputed →
partially refunded; another expires undelivered and is refunded automatically; the ledger balances
after every step, and held funds never touch the creator's balance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import DomainError, InvalidTransition, PermissionDeniedError, ValidationFailed
from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from payments.models import Payment
from payments.money import Money
from payments.services import ledger, verify
from tests.factories import make_creator, make_fan, make_staff, verified

pytestmark = pytest.mark.django_db

DESCRIPTION = "A short video saying happy birthday to my friend Sam, about thirty seconds long."


def balanced():
    report = verify.verify()
    assert report.ok, report


def creator_balance(creator):
    return (ledger.normal_balance(ledger.creator_pending(creator.pk, "USD")).minor
            + ledger.normal_balance(ledger.creator_available(creator.pk, "USD")).minor)


def escrow_balance(creator):
    return ledger.normal_balance(ledger.escrow(creator.pk, "USD")).minor


@pytest.fixture
def creator():
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                  prohibited_topics=[])
    return creator


def _submit(fan, creator, price=2500):
    return svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(price, "USD"),
                      desired_by=None, payment_method="4242424242424242")


def test_request_lifecycle_with_held_funds(api_client, creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-CA")
    req = _submit(fan, creator)
    req = svc.counter(creator, req.pk, price=Money(3000, "USD"), note="Longer than usual")
    assert req.status == "countered" and not Payment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        req = svc.accept(fan, req.pk)  # the fan accepts the counter: pays into escrow
    assert req.status == "accepted"
    payment = Payment.objects.get()
    assert payment.escrow == "held" and payment.net_amount == 3000
    assert creator_balance(creator) == 0, "held funds must not reach the creator's balance"
    assert escrow_balance(creator) == 3000
    balanced()
    req = svc.deliver(creator, req.pk, note="Here you go!")
    assert req.status == "delivered" and req.review_until
    assert creator_balance(creator) == 0
    req = svc.dispute(fan, req.pk, "The video is only ten seconds long.")
    assert req.status == "disputed"
    staff = verified(make_staff())
    with django_capture_on_commit_callbacks(execute=True):
        req = svc.resolve(staff, req.pk, outcome="partially_refunded", note="Half the length: half back.",
                          refund=Money(1500, "USD"))
    assert req.status == "resolved" and req.resolution == "partially_refunded" and req.refunded_minor == 1500
    payment.refresh_from_db()
    assert payment.amount_refunded == 1500
    assert escrow_balance(creator) == 0
    assert 0 < creator_balance(creator) < 3000 * 0.8
    balanced()
    steps = [s.to_status for s in req.steps.all()]
    assert steps == ["submitted", "countered", "accepted", "delivered", "disputed", "resolved"]


def test_undelivered_request_is_refunded_in_full(creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-NY")
    req = _submit(fan, creator)
    with django_capture_on_commit_callbacks(execute=True):
        req = svc.accept(creator, req.pk)
    assert escrow_balance(creator) == 2500
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.run_request_deadlines(timezone.now())["refunded"] == 0
        result = svc.run_request_deadlines(req.deliver_by + timedelta(minutes=1))
    assert result["refunded"] == 1
    req.refresh_from_db()
    payment = Payment.objects.get()
    assert req.status == "refunded" and payment.amount_refunded == payment.amount
    assert escrow_balance(creator) == 0 and creator_balance(creator) == 0
    balanced()
    with pytest.raises(InvalidTransition):  # a refunded request cannot be delivered
        svc.deliver(creator, req.pk, note="late")


def test_approval_releases_to_creator_and_auto_complete(creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-TX")
    first, second = _submit(fan, creator), _submit(fan, creator, price=4000)
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(creator, first.pk)
        svc.accept(creator, second.pk)
    svc.deliver(creator, first.pk, note="done")
    svc.deliver(creator, second.pk, note="done")
    svc.approve(fan, first.pk)
    assert creator_balance(creator) == 2000  # 2500 less the 20% platform fee
    later = timezone.now() + timedelta(days=4)
    assert svc.run_request_deadlines(later)["completed"] == 1
    assert creator_balance(creator) == 2000 + 3200
    assert CustomRequest.objects.get(pk=second.pk).status == "completed"
    balanced()


def test_declined_card_keeps_request_open(creator):
    fan = make_fan(country="US", region="US-TX")
    req = svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(2500, "USD"),
                     desired_by=None, payment_method="4000000000000002")
    with pytest.raises(DomainError) as error:
        svc.accept(creator, req.pk)
    assert getattr(error.value, "code", "") == "PAYMENT_DECLINED"
    req.refresh_from_db()
    assert req.status == "submitted"


def test_slots_and_resolution_needs_staff_and_note(creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-TX")
    req = _submit(fan, creator)
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(creator, req.pk)
    svc.deliver(creator, req.pk, note="done")
    svc.dispute(fan, req.pk, "Not what I asked for at all.")
    with pytest.raises(PermissionDeniedError):
        svc.resolve(fan, req.pk, outcome="refunded", note="me")
    with pytest.raises(PermissionDeniedError):  # a password-only staff session is a plain user
        svc.resolve(make_staff(), req.pk, outcome="refunded", note="me")
    with pytest.raises(ValidationFailed):
        svc.resolve(verified(make_staff()), req.pk, outcome="refunded", note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        req = svc.resolve(verified(make_staff()), req.pk, outcome="refunded", note="Creator agreed.")
    assert req.refunded_minor == 2500 and escrow_balance(creator) == 0 and creator_balance(creator) == 0
    balanced()
