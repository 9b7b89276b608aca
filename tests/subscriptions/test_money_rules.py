"""Issue 10 "Money rules" for subscriptions: bundle promotions, trial upgrades, resume, archived tiers and
price changes — each reproduced first against the code before the fix."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from common.errors import InvalidTransition, ValidationFailed
from fansub.offers.models import Bundle, Promotion, TrialLink
from fansub.offers.services import tiers
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import renewals, subscriptions
from payments.models import Payment
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db

US_CARD = "4242424242424242"


def paid(fan):
    return list(Payment.objects.filter(fan=fan, status="succeeded").order_by("id"))


def test_fixed_promotion_price_is_per_month_of_bundle():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    Bundle.objects.create(tier=tier, months=12, discount_percent=10)
    now = timezone.now()
    Promotion.objects.create(creator=creator, tier=tier, code="THREE", kind="fixed_price", fixed_price_minor=300,
                             for_new=True, periods=1, max_claims=5, starts_at=now - timedelta(days=1),
                             ends_at=now + timedelta(days=5))
    fan = make_fan(country="US", region="US-NY")
    quote = subscriptions.quote_subscription(fan, tier.pk, months=12, promotion_code="THREE")
    assert quote.recurring.minor == 10800
    assert quote.first_period.minor == 300 * 12  # $3.00 a month for the twelve months, not $3.00 in all
    monthly = subscriptions.quote_subscription(fan, tier.pk, months=1, promotion_code="THREE")
    assert monthly.first_period.minor == 300


def test_trial_upgrade_pays_for_target_tier(django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    basic = make_tier(creator, name="Basic", price_minor=500)
    top = make_tier(creator, name="Top", price_minor=4000)
    TrialLink.objects.create(creator=creator, tier=basic, code="try-basic", days=7, max_claims=5,
                             expires_at=timezone.now() + timedelta(days=3))
    fan = make_fan(country="US", region="US-NY")
    sub = subscriptions.claim_trial(fan, "try-basic", continue_after_trial=False)
    with pytest.raises(ValidationFailed):  # no card: a trial upgrade cannot be free
        subscriptions.change_tier(fan, sub.pk, top.pk, idempotency_key="up-0")
    with django_capture_on_commit_callbacks(execute=True):
        result = subscriptions.change_tier(fan, sub.pk, top.pk, idempotency_key="up-1", payment_method=US_CARD)
    sub.refresh_from_db()
    assert result.subscription is not None and sub.tier_id == top.pk
    [charge] = paid(fan)
    assert charge.purpose == "subscription_upgrade" and charge.net_amount == 4000
    assert sub.status == "active" and sub.renews and sub.payment_method == US_CARD


def test_resume_only_for_subscriptions_set_to_cancel():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=500)
    for status in ("active", "trialing", "past_due"):
        fan = make_fan()
        sub = make_subscription(fan, tier, status=status, renews=status != "trialing")
        with pytest.raises(InvalidTransition):
            subscriptions.resume(fan, sub.pk)
        sub.refresh_from_db()
        assert sub.status == status
    # A canceled trial resumes as a trial (no card: it still ends at its end), not as a paid subscription.
    TrialLink.objects.create(creator=creator, tier=tier, code="t", days=7, max_claims=5,
                             expires_at=timezone.now() + timedelta(days=3))
    fan = make_fan()
    trial = subscriptions.claim_trial(fan, "t", continue_after_trial=False)
    subscriptions.cancel(fan, trial.pk)
    trial = subscriptions.resume(fan, trial.pk)
    assert trial.status == "trialing" and not trial.renews
    # A paid subscription set to cancel resumes.
    fan = make_fan()
    sub = make_subscription(fan, tier, status="canceled", renews=False, payment_method=US_CARD)
    assert subscriptions.resume(fan, sub.pk).status == "active"


def test_archived_tiers_stop_renewing_at_period_end(django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    sub = make_subscription(fan, tier, payment_method=US_CARD, price_minor=500)
    tiers.archive_tier(creator, tier.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert renewals.run_billing_cycle(timezone.now())["stopped"] == 1
    [notice] = mail.outbox
    assert "will not renew" in notice.subject and notice.to == [fan.email]
    sub.refresh_from_db()
    assert sub.status == "canceled" and sub.end_reason == "tier_archived"
    with pytest.raises(InvalidTransition):
        subscriptions.resume(fan, sub.pk)
    after = sub.current_period_end + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = renewals.run_billing_cycle(after)
    assert result["renewed"] == 0 and result["expired"] == 1
    assert paid(fan) == [] and len(mail.outbox) == 1


def test_archived_tier_is_never_charged_even_before_the_notice_step():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    sub = make_subscription(fan, tier, payment_method=US_CARD)
    tiers.archive_tier(creator, tier.pk)
    assert renewals.attempt_renewal(sub.pk, sub.current_period_end + timedelta(minutes=1)) == "expired"
    assert paid(fan) == []


def test_existing_subscribers_keep_their_price_until_they_accept(django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    with django_capture_on_commit_callbacks(execute=True):
        sub = subscriptions.subscribe(fan, tier.pk, payment_method=US_CARD, idempotency_key="s1").subscription
    assert sub.price_minor == 500
    tiers.update_tier(creator, tier.pk, price=tier.monthly_price.__class__(4999, "USD"))
    mail.outbox.clear()
    moment = sub.current_period_end + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = renewals.run_billing_cycle(moment)
    assert result["renewed"] == 1 and result["price_notices"] == 1
    assert [p.net_amount for p in paid(fan)] == [500, 500]  # the renewal kept the agreed price
    [notice] = mail.outbox
    assert "changed the price" in notice.subject and "49.99" in notice.body and "5.00" in notice.body
    with django_capture_on_commit_callbacks(execute=True):
        assert renewals.notify_price_changes(moment) == 0  # one email per new price
    subscriptions.accept_price(fan, sub.pk)
    sub.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert renewals.run_billing_cycle(sub.current_period_end + timedelta(minutes=1))["renewed"] == 1
    assert paid(fan)[-1].net_amount == 4999


def test_price_cut_applies_to_existing_subscribers_at_once():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    sub = make_subscription(make_fan(), tier, price_minor=1000)
    tier.price_minor = 700
    tier.save()
    sub = Subscription.objects.select_related("tier").get(pk=sub.pk)
    assert renewals.next_period_price(sub)[1].minor == 700
