"""Decide before charging (issue 10, races): the refusals, fast and on SQLite. A second attempt while a
checkout is pending is refused before any charge; an expired checkout stops blocking and gives back its
seat and promotion claim; a payment that succeeds after its checkout expired is refunded in the same flow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.offers.models import Promotion
from fansub.subscriptions.models import Subscription, SubscriptionCheckout
from fansub.subscriptions.services import subscriptions
from governance.models import AuditLog
from payments.models import Payment
from payments.services import verify
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db

US_CARD, THREE_DS_CARD = "4242424242424242", "4000002500003155"


def subscribe(api_client, fan, tier, key, card=US_CARD, **extra):
    api_client.force_authenticate(fan)
    return api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": card, **extra},
                           format="json", HTTP_IDEMPOTENCY_KEY=key)


def expire(checkout):
    SubscriptionCheckout.objects.filter(pk=checkout.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def finish_3ds(client, fan, response, decision, capture):
    client.force_login(fan)
    with capture(execute=True):  # the payment settles; its hook finishes (or refunds) the checkout
        client.post(response.json()["client_action"]["url"], {"decision": decision})


@pytest.fixture
def promo_tier():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    now = timezone.now()
    promo = Promotion.objects.create(creator=creator, tier=tier, code="ONE", kind="percent_off", percent_off=50,
                                     for_new=True, periods=1, max_claims=1, starts_at=now - timedelta(days=1),
                                     ends_at=now + timedelta(days=10))
    return tier, promo


def test_second_subscribe_while_checkout_pending_is_refused(api_client):
    tier = make_tier(make_creator(country="US"), price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    assert subscribe(api_client, fan, tier, "a", THREE_DS_CARD).status_code == 202
    r = subscribe(api_client, fan, tier, "b")
    assert r.status_code == 409 and r.json()["error"]["code"] == "CHECKOUT_IN_PROGRESS", r.json()
    assert Payment.objects.count() == 1, "the refused attempt must not reach the provider"
    assert SubscriptionCheckout.objects.count() == 1


def test_expired_pending_checkout_no_longer_blocks(api_client):
    tier = make_tier(make_creator(country="US"), price_minor=1000, member_cap=1)
    fan, other = make_fan(country="US", region="US-TX"), make_fan(country="US", region="US-TX")
    assert subscribe(api_client, fan, tier, "a", THREE_DS_CARD).status_code == 202
    abandoned = SubscriptionCheckout.objects.get()
    r = subscribe(api_client, other, tier, "o")  # the pending checkout holds the only seat
    assert r.status_code == 409 and r.json()["error"]["code"] == "TIER_FULL", r.json()
    expire(abandoned)
    assert subscriptions.expire_checkouts() == 1
    abandoned.refresh_from_db()
    assert abandoned.status == "expired"
    assert OutboxEvent.objects.filter(event_type="subscription.checkout_expired").exists()
    assert subscribe(api_client, fan, tier, "b").status_code == 201
    assert Subscription.objects.get().fan == fan


def test_expired_checkout_stops_blocking_its_fan_without_beat(api_client):
    tier = make_tier(make_creator(country="US"), price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    assert subscribe(api_client, fan, tier, "a", THREE_DS_CARD).status_code == 202
    expire(SubscriptionCheckout.objects.get())
    assert subscribe(api_client, fan, tier, "b").status_code == 201  # expired lazily under the fan's lock
    r = subscribe(api_client, fan, tier, "a", THREE_DS_CARD)  # the old key now answers that it expired
    assert r.status_code == 409 and r.json()["error"]["code"] == "CHECKOUT_EXPIRED", r.json()


def test_promotion_reservation_released_on_failure(api_client, client, promo_tier,
                                                   django_capture_on_commit_callbacks):
    tier, promo = promo_tier
    first, second = make_fan(country="US", region="US-TX"), make_fan(country="US", region="US-TX")
    pending = subscribe(api_client, first, tier, "f", THREE_DS_CARD, promotion_code="ONE")
    assert pending.status_code == 202
    promo.refresh_from_db()
    assert promo.claims == 1, "the claim is reserved when the checkout is created"
    r = subscribe(api_client, second, tier, "s", promotion_code="ONE")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PROMOTION_NOT_ELIGIBLE"
    assert not Payment.objects.filter(fan=second).exists(), "refused before charging"
    finish_3ds(client, first, pending, "fail", django_capture_on_commit_callbacks)
    promo.refresh_from_db()
    assert promo.claims == 0
    assert subscribe(api_client, second, tier, "s2", promotion_code="ONE").status_code == 201
    promo.refresh_from_db()
    assert promo.claims == 1 and Subscription.objects.get().promotion == promo


def test_promotion_reservation_released_on_expiry(api_client, promo_tier):
    tier, promo = promo_tier
    fan = make_fan(country="US", region="US-TX")
    assert subscribe(api_client, fan, tier, "f", THREE_DS_CARD, promotion_code="ONE").status_code == 202
    expire(SubscriptionCheckout.objects.get())
    subscriptions.expire_checkouts()
    promo.refresh_from_db()
    assert promo.claims == 0


def test_promotion_runs_out_while_three_d_secure_pending(api_client, client, promo_tier,
                                                         django_capture_on_commit_callbacks):
    """The fan in 3-D Secure holds the last claim: the late fan is refused without a charge, and the
    first fan's payment completes into a promoted subscription (no charge without a subscription)."""
    tier, promo = promo_tier
    first, late = make_fan(country="US", region="US-TX"), make_fan(country="US", region="US-TX")
    pending = subscribe(api_client, first, tier, "f", THREE_DS_CARD, promotion_code="ONE")
    r = subscribe(api_client, late, tier, "l", promotion_code="ONE")
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "claim_limit"
    finish_3ds(client, first, pending, "complete", django_capture_on_commit_callbacks)
    sub = Subscription.objects.get()
    assert sub.fan == first and sub.promotion == promo
    promo.refresh_from_db()
    assert promo.claims == 1
    assert Payment.objects.filter(status="succeeded").count() == 1
    assert verify.verify().ok


def test_late_three_d_secure_success_after_expiry_is_refunded(api_client, client,
                                                              django_capture_on_commit_callbacks):
    tier = make_tier(make_creator(country="US"), price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    pending = subscribe(api_client, fan, tier, "a", THREE_DS_CARD)
    checkout = SubscriptionCheckout.objects.get()
    expire(checkout)
    finish_3ds(client, fan, pending, "complete", django_capture_on_commit_callbacks)
    checkout.refresh_from_db()
    assert checkout.status == "expired" and not Subscription.objects.exists()
    payment = Payment.objects.get(fan=fan)
    assert payment.status == "succeeded" and payment.amount_refunded == payment.amount
    assert AuditLog.objects.filter(action="purchase.charge_reversed", object_id=str(payment.pk)).exists()
    event = OutboxEvent.objects.get(event_type="purchase.charge_reversed")
    assert event.envelope["payload"]["reason"] == "checkout_expired"
    assert verify.verify().ok


def test_second_upgrade_while_upgrade_pending_is_refused(api_client):
    creator = make_creator(country="US")
    basic, gold = make_tier(creator, price_minor=1000), make_tier(creator, name="Gold", price_minor=3000)
    fan = make_fan(country="US", region="US-TX")
    sub = make_subscription(fan, basic, payment_method=THREE_DS_CARD)
    api_client.force_authenticate(fan)
    url = f"/api/v1/subscriptions/{sub.pk}/change-tier/"
    r = api_client.post(url, {"tier_id": gold.pk}, format="json", HTTP_IDEMPOTENCY_KEY="u1")
    assert r.status_code == 202, r.json()
    r = api_client.post(url, {"tier_id": gold.pk}, format="json", HTTP_IDEMPOTENCY_KEY="u2")
    assert r.status_code == 409 and r.json()["error"]["code"] == "CHECKOUT_IN_PROGRESS", r.json()
    assert Payment.objects.count() == 1


def test_three_d_secure_success_that_cannot_be_fulfilled_is_refunded(api_client, client,
                                                                     django_capture_on_commit_callbacks):
    """Should the subscription still be impossible when the awaited payment succeeds (here a live one
    appeared behind the services' back), the checkout fails, frees its claim and the charge is refunded."""
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    pending = subscribe(api_client, fan, tier, "a", THREE_DS_CARD)
    make_subscription(fan, make_tier(creator, name="Other", price_minor=500))
    finish_3ds(client, fan, pending, "complete", django_capture_on_commit_callbacks)
    checkout = SubscriptionCheckout.objects.get()
    assert checkout.status == "failed" and checkout.payment_reference
    payment = Payment.objects.get(public_id=checkout.payment_reference)
    assert payment.amount_refunded == payment.amount
    event = OutboxEvent.objects.get(event_type="purchase.charge_reversed")
    assert event.envelope["payload"]["reason"] == "not_fulfillable"
    assert verify.verify().ok
