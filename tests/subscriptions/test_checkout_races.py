"""Issue 10, races: parallel subscribes, upgrades and promotion claims through the HTTP stack on
PostgreSQL (real row locks, a threaded server), each request with its own Idempotency-Key. Every flow
decides before charging, so exactly one payment succeeds and no checkout is stranded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import CheckoutInProgress, ValidationFailed
from fansub.offers.models import Promotion
from fansub.subscriptions.models import Subscription, SubscriptionCheckout
from payments.models import Payment, Refund
from payments.services import verify
from tests.factories import make_creator, make_fan, make_subscription, make_tier
from tests.http_race import Call, codes, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

US_CARD = "4242424242424242"
N = 8


def us_fan():
    return make_fan(country="US", region="US-TX")


def no_stranded_checkout():
    assert not SubscriptionCheckout.objects.filter(status="pending").exists()


def test_eight_parallel_subscribes_charge_once(live_server):
    tier = make_tier(make_creator(country="US"), price_minor=1000)
    fan = us_fan()
    calls = [Call(fan, "/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": US_CARD}, f"sub-{i}")
             for i in range(N)]
    responses = race(live_server, calls)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (N - 1), [r.json() for r in responses]
    assert set(codes(responses)) <= {"ALREADY_SUBSCRIBED", "CHECKOUT_IN_PROGRESS"}
    assert Subscription.objects.filter(fan=fan).count() == 1
    assert Payment.objects.filter(purpose="subscription").count() == 1
    assert Payment.objects.filter(purpose="subscription", status="succeeded").count() == 1
    no_stranded_checkout()
    assert verify.verify().ok


def test_eight_parallel_upgrades_charge_once(live_server):
    creator = make_creator(country="US")
    two, three = make_tier(creator, name="Two", price_minor=1000), make_tier(creator, name="Three", price_minor=3000)
    fan = us_fan()
    sub = make_subscription(fan, two, payment_method=US_CARD)
    calls = [Call(fan, f"/api/v1/subscriptions/{sub.pk}/change-tier/", {"tier_id": three.pk}, f"up-{i}")
             for i in range(N)]
    responses = race(live_server, calls)
    assert [r.status_code for r in responses].count(200) == 1, [r.json() for r in responses]
    # The losers are refused before charging: one is in progress, or the tier is already theirs.
    assert set(codes(responses)) <= {CheckoutInProgress.code, ValidationFailed.code}
    assert len(codes(responses)) == N - 1
    sub.refresh_from_db()
    assert sub.tier == three
    assert Payment.objects.filter(purpose="subscription_upgrade").count() == 1
    assert Payment.objects.filter(purpose="subscription_upgrade", status="succeeded").count() == 1
    no_stranded_checkout()
    assert verify.verify().ok


def test_promotion_last_claim_parallel_fans_charge_once(live_server):
    """max_claims=1 and eight fans at once: one promoted subscription, seven refused before charging."""
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    now = timezone.now()
    promo = Promotion.objects.create(creator=creator, tier=tier, code="LAST", kind="percent_off", percent_off=50,
                                     for_new=True, periods=1, max_claims=1, starts_at=now - timedelta(days=1),
                                     ends_at=now + timedelta(days=10))
    fans = [us_fan() for _ in range(N)]
    calls = [Call(fan, "/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": US_CARD,
                                                  "promotion_code": "LAST"}, f"promo-{i}")
             for i, fan in enumerate(fans)]
    responses = race(live_server, calls)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (N - 1), [r.json() for r in responses]
    assert codes(responses) == ["PROMOTION_NOT_ELIGIBLE"] * (N - 1)
    assert Subscription.objects.filter(promotion=promo).count() == 1
    assert Payment.objects.filter(purpose="subscription").count() == 1
    assert Payment.objects.filter(purpose="subscription", status="succeeded").count() == 1
    assert not Refund.objects.exists()
    promo.refresh_from_db()
    assert promo.claims == 1
    no_stranded_checkout()
    assert verify.verify().ok


def test_eight_fans_for_the_last_seat_charge_once(live_server):
    tier = make_tier(make_creator(country="US"), price_minor=1000, member_cap=1)
    fans = [us_fan() for _ in range(N)]
    calls = [Call(fan, "/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": US_CARD}, f"seat-{i}")
             for i, fan in enumerate(fans)]
    responses = race(live_server, calls)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (N - 1), [r.json() for r in responses]
    assert codes(responses) == ["TIER_FULL"] * (N - 1)
    assert Payment.objects.filter(purpose="subscription").count() == 1
    assert Payment.objects.filter(purpose="subscription", status="succeeded").count() == 1
    no_stranded_checkout()
    assert verify.verify().ok
