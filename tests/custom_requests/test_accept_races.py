"""Issue 10, races: eight parallel accepts of a countered custom request (double clicks by the fan, and the
creator clicking too) through the HTTP stack on PostgreSQL: one escrow charge, no refund of the winner's
payment, and the request can still be approved."""

import pytest

from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from payments.models import Payment, Refund
from payments.money import Money
from payments.services import verify
from tests.factories import make_creator, make_fan
from tests.http_race import Call, codes, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "A short video saying happy birthday to my friend Sam, about thirty seconds long."


def test_eight_parallel_accepts_of_a_countered_request_charge_once(live_server):
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                  prohibited_topics=[])
    fan = make_fan(country="US", region="US-CA")
    req = svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(2500, "USD"),
                     desired_by=None, payment_method="4242424242424242")
    svc.counter(creator, req.pk, price=Money(3000, "USD"))
    calls = [Call(fan if i % 4 else creator, f"/api/v1/requests/{req.pk}/", {"action": "accept"}, f"acc-{i}")
             for i in range(8)]
    responses = race(live_server, calls)
    assert [r.status_code for r in responses].count(200) == 1, [r.json() for r in responses]
    assert set(codes(responses)) <= {"CHECKOUT_IN_PROGRESS", "INVALID_TRANSITION"}
    req.refresh_from_db()
    assert req.status == "accepted"
    payment = Payment.objects.get(purpose="custom_request")
    assert payment.status == "succeeded" and payment.escrow == "held"
    assert req.payment_reference == str(payment.public_id)
    assert not Refund.objects.exists(), "a losing attempt must never refund the winner's payment"
    svc.deliver(creator, req.pk, note="Here it is")
    assert svc.approve(fan, req.pk).status == "completed"
    assert CustomRequest.objects.get(pk=req.pk).paying_until is None
    assert verify.verify().ok
