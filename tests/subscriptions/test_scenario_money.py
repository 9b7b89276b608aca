"""Issue 3/5's end-to-end check, through the API and the real payments simulator:
subscribe with a promotion, renew twice, a renewal declines and recovers within grace, upgrade,
cancel — with the ledger, receipts and entitlements right at every step."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from fansub.offers.models import Promotion
from fansub.posts import entitlements
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import renewals
from payments.models import Payment, Receipt
from payments.services import verify
from tests.factories import make_creator, make_fan, make_post, make_tier

pytestmark = pytest.mark.django_db

US_CARD, DECLINE_CARD = "4242424242424242", "4000000000000002"


def ledger_ok():
    report = verify.verify()
    assert report.ok, report
    call_command("ledger_verify", verbosity=0)


def succeeded_payments(fan):
    return Payment.objects.filter(fan=fan, status="succeeded").order_by("id")


def test_subscription_scenario(api_client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    basic = make_tier(creator, name="Basic", price_minor=1000)
    gold = make_tier(creator, name="Gold", price_minor=2000)
    basic_post, gold_post = make_post(creator, tiers=[basic, gold]), make_post(creator, tiers=[gold])
    now = timezone.now()
    promo = Promotion.objects.create(creator=creator, tier=basic, code="HALF", kind="percent_off", percent_off=50,
                                     for_new=True, periods=1, max_claims=10, starts_at=now - timedelta(days=1),
                                     ends_at=now + timedelta(days=10))
    fan = make_fan(country="US", region="US-TX")
    api_client.force_authenticate(fan)

    quote = api_client.post("/api/v1/subscriptions/quote/", {"tier_id": basic.pk, "promotion_code": "HALF"},
                            format="json").json()
    assert quote["first_period"]["amount_minor"] == 500 and quote["recurring"]["amount_minor"] == 1000
    assert quote["tax"]["amount_minor"] > 0  # Texas taxes digital subscriptions; shown before paying

    # 1. Subscribe with the promotion.
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post("/api/v1/subscriptions/", {"tier_id": basic.pk, "promotion_code": "HALF",
                                                       "payment_method": US_CARD}, format="json",
                            HTTP_IDEMPOTENCY_KEY="sub-1")
    assert r.status_code == 201, r.json()
    sub = Subscription.objects.get(pk=r.json()["id"])
    first = succeeded_payments(fan).get()
    assert first.net_amount == 500 and first.amount == quote["total"]["amount_minor"]
    assert Receipt.objects.filter(payment=first, kind="receipt").count() == 1
    promo.refresh_from_db()
    assert promo.claims == 1
    # A replay of the same request answers the same and charges nothing more.
    replay = api_client.post("/api/v1/subscriptions/", {"tier_id": basic.pk, "promotion_code": "HALF",
                                                        "payment_method": US_CARD}, format="json",
                             HTTP_IDEMPOTENCY_KEY="sub-1")
    assert replay.status_code == 201 and replay.json()["id"] == sub.pk and succeeded_payments(fan).count() == 1
    assert entitlements.decide_one(fan, basic_post).allowed
    assert entitlements.decide_one(fan, gold_post).reason == entitlements.Denial.TIER_NOT_INCLUDED
    ledger_ok()

    # 2. Two renewals at the full price (the promotion was for the first period only).
    for expected_renewals in (1, 2):
        sub.refresh_from_db()
        moment = sub.current_period_end + timedelta(minutes=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert renewals.run_billing_cycle(moment)["renewed"] == 1
            assert renewals.run_billing_cycle(moment)["renewed"] == 0  # a second run charges nothing
        sub.refresh_from_db()
        assert sub.status == "active" and sub.renewal_count == expected_renewals
        assert succeeded_payments(fan).last().net_amount == 1000
        ledger_ok()
    assert succeeded_payments(fan).count() == 3
    assert Receipt.objects.filter(buyer=fan, kind="receipt").count() == 3

    # 3. The card starts declining: past due, still entitled within grace, emailed; then recovers.
    sub.payment_method = DECLINE_CARD
    sub.save(update_fields=["payment_method"])
    moment = sub.current_period_end + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert renewals.run_billing_cycle(moment)["failed"] == 1
    sub.refresh_from_db()
    assert sub.status == "past_due" and sub.grace_until > moment and sub.next_retry_at
    assert any("failed" in m.subject for m in mail.outbox)
    assert entitlements.decide_one(fan, basic_post, now=moment).allowed  # grace period
    assert not entitlements.decide_one(fan, basic_post, now=sub.grace_until + timedelta(minutes=1)).allowed
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.put(f"/api/v1/subscriptions/{sub.pk}/payment-method/", {"payment_method": US_CARD},
                           format="json")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert succeeded_payments(fan).count() == 4
    ledger_ok()

    # 4. Upgrade: the prorated difference is charged now; gold posts open at once.
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post(f"/api/v1/subscriptions/{sub.pk}/change-tier/", {"tier_id": gold.pk}, format="json",
                            HTTP_IDEMPOTENCY_KEY="up-1")
    assert r.status_code == 200 and r.json()["tier_id"] == gold.pk, r.json()
    upgrade = succeeded_payments(fan).last()
    assert upgrade.purpose == "subscription_upgrade" and 0 < upgrade.net_amount <= 1000
    assert entitlements.decide_one(fan, gold_post).allowed
    ledger_ok()

    # 5. Cancel: access until the period ends, then expiry and a free follow.
    r = api_client.post(f"/api/v1/subscriptions/{sub.pk}/cancel/")
    assert r.json()["status"] == "canceled"
    sub.refresh_from_db()
    assert entitlements.decide_one(fan, gold_post).allowed
    after = sub.current_period_end + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = renewals.run_billing_cycle(after)
    assert result["expired"] == 1 and result["renewed"] == 0
    assert not entitlements.decide_one(fan, gold_post, now=after).allowed
    assert succeeded_payments(fan).count() == 5
    ledger_ok()


def test_declined_first_payment_creates_nothing(api_client):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    fan = make_fan(country="US", region="US-NY")
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": DECLINE_CARD},
                        format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert r.status_code == 402 and r.json()["error"]["code"] == "PAYMENT_DECLINED"
    assert not Subscription.objects.exists()
    ledger_ok()


def test_tax_location_conflict_asks_the_fan(api_client):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": US_CARD},
                        format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "TAX_LOCATION_CONFLICT"
    assert not Subscription.objects.exists()
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": "4000008260000000"},
                        format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert r.status_code == 201, r.json()


def test_three_d_secure_subscription_completes_after_authentication(api_client, client,
                                                                      django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": "4000002500003155"},
                        format="json", HTTP_IDEMPOTENCY_KEY="3ds-1")
    assert r.status_code == 202 and r.json()["status"] == "requires_action", r.json()
    url = r.json()["client_action"]["url"]
    assert not Subscription.objects.exists()
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):  # the payment settles; its hook starts the sub
        client.post(url, {"decision": "complete"})
    sub = Subscription.objects.get(fan=fan)
    assert sub.status == "active" and sub.tier == tier
    ledger_ok()


def test_failed_three_d_secure_creates_no_subscription(api_client, client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    fan = make_fan(country="US", region="US-TX")
    api_client.force_authenticate(fan)
    url = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": "4000002500003155"},
                          format="json", HTTP_IDEMPOTENCY_KEY="3ds-2").json()["client_action"]["url"]
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "fail"})
    assert not Subscription.objects.exists()
    from fansub.subscriptions.models import SubscriptionCheckout

    assert SubscriptionCheckout.objects.get().status == "failed"
