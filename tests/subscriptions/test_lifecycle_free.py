"""Subscription paths that move no money: free tiers, trials, cancel/resume, expiry, downgrades."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import InvalidTransition, PromotionNotEligible
from fansub.accounts.models import Follow
from fansub.offers.models import TrialLink
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import lifecycle, renewals, subscriptions
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def test_free_tier_subscribe_cancel_resume_expire_becomes_follower(api_client):
    creator = make_creator()
    free = make_tier(creator, name="Free", price_minor=0)
    fan = make_fan()
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": free.pk}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": free.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201 and r.json()["status"] == "active"
    sub_id = r.json()["id"]
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": free.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_SUBSCRIBED"
    r = api_client.post(f"/api/v1/subscriptions/{sub_id}/cancel/")
    assert r.json()["status"] == "canceled" and r.json()["cancel_effective_at"]
    r = api_client.post(f"/api/v1/subscriptions/{sub_id}/cancel/")
    assert r.status_code == 409 and r.json()["error"]["code"] == "INVALID_TRANSITION"
    assert api_client.post(f"/api/v1/subscriptions/{sub_id}/resume/").json()["status"] == "active"
    api_client.post(f"/api/v1/subscriptions/{sub_id}/cancel/")
    sub = Subscription.objects.get(pk=sub_id)
    assert renewals.expire_due(timezone.now()) == 0
    assert renewals.expire_due(sub.current_period_end + timedelta(seconds=1)) == 1
    sub.refresh_from_db()
    assert sub.status == "expired" and Follow.objects.filter(fan=fan, creator=creator).exists()
    r = api_client.post(f"/api/v1/subscriptions/{sub_id}/resume/")
    assert r.status_code == 409


def test_other_fan_cannot_touch_my_subscription(api_client):
    creator = make_creator()
    sub = make_subscription(make_fan(), make_tier(creator))
    api_client.force_authenticate(make_fan())
    assert api_client.post(f"/api/v1/subscriptions/{sub.pk}/cancel/").status_code == 404
    sub.refresh_from_db()
    assert sub.status == "active"


def test_creators_cannot_subscribe(api_client):
    tier = make_tier(make_creator(), price_minor=0)
    api_client.force_authenticate(make_creator())
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 403


def test_member_cap_refuses_with_tier_full(api_client):
    creator = make_creator()
    tier = make_tier(creator, price_minor=0, member_cap=1)
    make_subscription(make_fan(), tier)
    api_client.force_authenticate(make_fan())
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 409 and r.json()["error"]["code"] == "TIER_FULL"


def test_archived_tier_keeps_subscribers_to_period_end_but_sells_no_more(api_client):
    creator = make_creator()
    tier = make_tier(creator, price_minor=0)
    sub = make_subscription(make_fan(), tier)
    tier.is_archived = True
    tier.save()
    api_client.force_authenticate(make_fan())
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 404
    # Issue 10: the subscriber keeps it to the end of the period, then it does not renew.
    assert renewals.attempt_renewal(sub.pk, sub.current_period_end + timedelta(seconds=1)) == "expired"


def test_trial_claim_rules(api_client):
    creator = make_creator()
    tier = make_tier(creator)
    link = TrialLink.objects.create(creator=creator, tier=tier, code="try-me", days=7, max_claims=1,
                                    expires_at=timezone.now() + timedelta(days=5))
    fan = make_fan()
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/trials/try-me/claim/", {"continue_after_trial": True}, format="json")
    assert r.status_code == 400  # opting in needs a saved payment method
    r = api_client.post("/api/v1/trials/try-me/claim/", {}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "trialing" and r.json()["renews"] is False
    link.refresh_from_db()
    assert link.claims == 1
    other = make_fan()
    api_client.force_authenticate(other)
    r = api_client.post("/api/v1/trials/try-me/claim/", {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "claim_limit"
    sub = Subscription.objects.get(fan=fan)
    # A trial without opt-in ends with no charge and the fan becomes a follower.
    assert renewals.run_billing_cycle(sub.current_period_end + timedelta(minutes=1))["expired"] == 1
    sub.refresh_from_db()
    assert sub.status == "expired"


def test_trial_only_for_new_or_expired_fans():
    creator = make_creator()
    tier = make_tier(creator)
    fan = make_fan()
    make_subscription(fan, tier)
    TrialLink.objects.create(creator=creator, tier=tier, code="t2", days=7, max_claims=5,
                             expires_at=timezone.now() + timedelta(days=5))
    with pytest.raises(PromotionNotEligible) as error:
        subscriptions.claim_trial(fan, "t2", continue_after_trial=False)
    assert error.value.details["rule"] == "new_or_expired_only"


def test_downgrade_applies_at_renewal():
    creator = make_creator()
    gold, free = make_tier(creator, name="Gold", price_minor=0), make_tier(creator, name="Basic", price_minor=0)
    gold.price_minor = 0
    fan = make_fan()
    sub = make_subscription(fan, gold)
    result = subscriptions.change_tier(fan, sub.pk, free.pk, idempotency_key="d1")
    assert result.subscription.pending_tier_id == free.pk and result.subscription.tier_id == gold.pk
    renewals.attempt_renewal(sub.pk, sub.current_period_end + timedelta(seconds=1))
    sub.refresh_from_db()
    assert sub.tier_id == free.pk and sub.pending_tier_id is None and sub.renewal_count == 1


def test_transition_table_refuses_expired_to_active():
    sub = make_subscription(make_fan(), make_tier(make_creator()), status="expired")
    with pytest.raises(InvalidTransition):
        lifecycle.transition(sub, "active")


def test_subscription_pages_render(client):
    creator = make_creator()
    tier = make_tier(creator, price_minor=0)
    fan = make_fan()
    make_subscription(fan, tier)
    client.force_login(fan)
    page = client.get("/account/subscriptions/").content.decode()
    assert "Cancel subscription" in page and tier.name in page
    client.force_login(creator)
    page = client.get("/studio/subscribers/").content.decode()
    assert fan.handle in page
    assert client.get(f"/c/{creator.handle}/").status_code == 200


def test_renewal_price_of_a_bundle_keeps_its_discount_while_offered_and_drops_it_once_withdrawn():
    from fansub.offers.models import Bundle

    tier = make_tier(make_creator(), price_minor=1000)
    bundle = Bundle.objects.create(tier=tier, months=3, discount_percent=20)
    sub = make_subscription(make_fan(), tier, billing_months=3)
    assert renewals.next_period_price(sub)[1].minor == 2400
    bundle.is_active = False
    bundle.save()
    assert renewals.next_period_price(sub)[1].minor == 3000
