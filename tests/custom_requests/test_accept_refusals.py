"""Decide before charging for custom requests: an accept claims the request under its row lock before the
escrow charge; a second accept meanwhile is refused with CHECKOUT_IN_PROGRESS and charges nothing, and a
losing attempt never refunds the winner's payment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import CheckoutInProgress, InvalidTransition
from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from payments.models import Payment
from payments.money import Money
from payments.services import verify
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db

DESCRIPTION = "A short video saying happy birthday to my friend Sam, about thirty seconds long."


@pytest.fixture
def countered():
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                  prohibited_topics=[])
    fan = make_fan(country="US", region="US-CA")
    req = svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(2500, "USD"),
                     desired_by=None, payment_method="4242424242424242")
    return svc.counter(creator, req.pk, price=Money(3000, "USD"))


def test_second_accept_while_paying_is_refused(countered):
    CustomRequest.objects.filter(pk=countered.pk).update(paying_until=timezone.now() + timedelta(minutes=1))
    with pytest.raises(CheckoutInProgress):
        svc.accept(countered.fan, countered.pk)
    assert not Payment.objects.exists()


def test_interrupted_accept_stops_blocking(countered):
    CustomRequest.objects.filter(pk=countered.pk).update(paying_until=timezone.now() - timedelta(seconds=1))
    req = svc.accept(countered.fan, countered.pk)
    assert req.status == "accepted" and req.paying_until is None


def test_double_click_accept_keeps_the_winners_payment(countered):
    req = svc.accept(countered.fan, countered.pk)
    with pytest.raises(InvalidTransition):  # the second click: decided under the lock, no charge, no refund
        svc.accept(countered.fan, countered.pk)
    payment = Payment.objects.get()
    assert payment.amount_refunded == 0 and payment.escrow == "held"
    req = svc.deliver(countered.creator, req.pk, note="Here it is")
    assert svc.approve(countered.fan, req.pk).status == "completed"
    assert verify.verify().ok
