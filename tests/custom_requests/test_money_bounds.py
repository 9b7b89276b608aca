"""Issue 10 "Money rules": upper price bounds for custom requests, tiers in the creator's currency, one basis for
partial dispute refunds, and 0 refused as an admin refund amount."""

import pytest

from common.errors import ValidationFailed
from fansub.custom_requests.services import custom_requests as svc
from fansub.offers.services import tiers
from payments.admin import RefundForm
from payments.models import Payment
from payments.money import Money
from tests.factories import make_creator, make_fan, make_staff, verified

pytestmark = pytest.mark.django_db

DESCRIPTION = "A short video saying happy birthday to my friend Sam, about thirty seconds long."
CARD = "4242424242424242"


@pytest.fixture
def creator():
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                  prohibited_topics=[])
    return creator


def _submit(fan, creator, minor):
    return svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(minor, "USD"),
                      desired_by=None, payment_method=CARD)


def test_custom_request_price_has_a_maximum(creator, settings):
    settings.REQUEST_PRICE_MAX = "2000.00"
    fan = make_fan(country="US", region="US-NY")
    with pytest.raises(ValidationFailed) as refused:
        _submit(fan, creator, 10**12)
    assert "price" in refused.value.details
    req = _submit(fan, creator, 200000)  # exactly the maximum is fine
    with pytest.raises(ValidationFailed):
        svc.counter(creator, req.pk, price=Money(200001, "USD"))
    req = svc.counter(creator, req.pk, price=Money(150000, "USD"))
    with pytest.raises(ValidationFailed):
        svc.revise(fan, req.pk, price=Money(10**12, "USD"))
    with pytest.raises(ValidationFailed):
        svc.configure(creator, enabled=True, min_prices={"video": 300000}, turnaround_days=3, slots=3,
                      prohibited_topics=[])


def test_tier_currency_must_be_the_creators():
    gb = make_creator(country="GB", verified=True)
    with pytest.raises(ValidationFailed) as refused:
        tiers.create_tier(gb, name="Cheap", price=Money(499, "JPY"))  # ¥499 would undercut the £4.99 floor
    assert "price" in refused.value.details
    assert tiers.create_tier(gb, name="Club", price=Money(499, "GBP")).currency == "GBP"


def test_partial_dispute_refund_has_one_basis(creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-TX")  # Texas taxes digital goods: paid total > price
    req = _submit(fan, creator, 3000)
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(creator, req.pk)
    payment = Payment.objects.get()
    assert payment.net_amount == 3000 and payment.amount > 3000
    svc.deliver(creator, req.pk, note="Here you go!")
    svc.dispute(fan, req.pk, "The video is only ten seconds long.")
    staff = verified(make_staff())
    with pytest.raises(ValidationFailed):  # validated against the price excluding tax
        svc.resolve(staff, req.pk, outcome="partially_refunded", note="too much", refund=Money(3000, "USD"))
    with django_capture_on_commit_callbacks(execute=True):
        req = svc.resolve(staff, req.pk, outcome="partially_refunded", note="Half back.",
                          refund=Money(1500, "USD"))
    payment.refresh_from_db()
    assert req.refunded_minor == 1500
    assert payment.amount_refunded == (payment.amount + 1) // 2  # half of what the fan paid, tax included


@pytest.mark.parametrize("typed", ["0", "0.00", "-1"])
def test_admin_refund_amount_zero_is_refused(typed):
    form = RefundForm(data={"amount": typed, "reason": "requested_by_customer", "note": "x"})
    assert not form.is_valid() and "amount" in form.errors
    assert RefundForm(data={"amount": "", "reason": "requested_by_customer", "note": "x"}).is_valid()
