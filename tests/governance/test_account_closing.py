"""Account deletion is an erasure with the same guarantees: subscriptions cancelled, open custom requests
withdrawn or refunded first (through the apps' own services), a creator's balance reported, then erasure."""

import pytest

from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from governance.models import DataSubjectRequest
from governance.services import dsar
from payments.money import Money
from tests.factories import PASSWORD, make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db

DESCRIPTION = "A short video saying happy birthday to my friend Sam, about thirty seconds long."


def test_deleting_a_fan_account_cancels_subscriptions_and_refunds_paid_requests(
        django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                  prohibited_topics=[])
    fan = make_fan(country="US", region="US-CA")
    subscription = make_subscription(fan, make_tier(creator))
    paid = svc.submit(fan, creator, kind="video", description=DESCRIPTION, price=Money(2500, "USD"),
                      desired_by=None, payment_method="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(creator, paid.pk)
    unanswered = svc.submit(fan, creator, kind="video", description=DESCRIPTION + " Another.",
                            price=Money(2500, "USD"), desired_by=None, payment_method="4242424242424242")
    assert CustomRequest.objects.get(pk=paid.pk).status == "accepted"

    with django_capture_on_commit_callbacks(execute=True):
        dsar.submit_own(fan, "erasure", password=PASSWORD)

    subscription.refresh_from_db()
    assert subscription.status == "canceled" and not subscription.renews
    assert CustomRequest.objects.get(pk=paid.pk).status == "refunded"
    assert CustomRequest.objects.get(pk=unanswered.pk).status == "withdrawn"
    report = DataSubjectRequest.objects.get().report
    assert report["closing"]["subscriptions.cancel"] == {"canceled": 1}
    assert report["closing"]["custom_requests.close"] == {"withdrawn": 1, "declined": 0, "refunded": 1}
    assert report["tombstoned"] is True


def test_deleting_a_creator_account_reports_the_balance(django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        dsar.submit_own(creator, "erasure", password=PASSWORD)
    closing = DataSubjectRequest.objects.get().report["closing"]
    assert closing["purchases.balances"]["disposition"] in ("paid out by the next payout run",
                                                            "held (no payout account)")
