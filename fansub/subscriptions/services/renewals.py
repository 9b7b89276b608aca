"""Renewals, dunning and expiry, run from Celery beat.

Idempotent by construction: a renewal's idempotency key is the subscription id plus the period
end it renews and the attempt number, and every attempt first locks the row and re-checks that it
is still due, so two runs at the same moment charge each due subscription once.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from common.errors import DomainError
from fansub.offers.models import Tier
from fansub.offers.services import promotions
from fansub.purchases.services import billing
from fansub.subscriptions.models import Subscription, SubscriptionStatus
from fansub.subscriptions.services.lifecycle import event_payload, expire_to_follower, transition
from fansub.subscriptions.services.periods import add_months
from payments.errors import ProviderUnavailable
from payments.money import Money
from telemetry.events import emit

S = SubscriptionStatus


def _notify(sub: Subscription, template: str, context: dict) -> None:
    """Email the fan after the transaction commits (never for a rolled-back change)."""
    fan = sub.fan
    body = render_to_string(f"subscriptions/email/{template}.txt", {"sub": sub, "fan": fan, **context})
    subject, _, text = body.partition("\n\n")

    def deliver() -> None:
        send_mail(subject.strip(), text, settings.DEFAULT_FROM_EMAIL, [fan.email])

    transaction.on_commit(deliver)


def agreed_monthly(sub: Subscription, tier: Tier) -> Money:
    """The monthly price this fan pays for ``tier``: the price they agreed to when they bought or last
    accepted it. A creator's later raise applies only once the fan accepts it (``accept_price``); a cut
    applies at once."""
    if tier.pk != sub.tier_id or sub.price_minor is None:
        return tier.monthly_price
    return Money(min(sub.price_minor, tier.price_minor), tier.currency)


def next_period_price(sub: Subscription) -> tuple[Tier, Money]:
    tier = sub.pending_tier or sub.tier
    monthly = agreed_monthly(sub, tier)
    bundle = tier.bundles.filter(months=sub.billing_months, is_active=True).first() if sub.billing_months > 1 else None
    # A withdrawn bundle keeps its period length, without the discount.
    discount = bundle.discount_percent if bundle else 0
    price = monthly.multiply(sub.billing_months).multiply(Decimal(100 - discount) / Decimal(100))
    if sub.promotion_id and sub.promo_periods_left > 0:
        price = promotions.promoted_price(sub.promotion, price, sub.billing_months)
    return tier, price


def due_for_renewal(now: datetime) -> list[int]:
    return list(Subscription.objects.filter(
        Q(status=S.ACTIVE) | Q(status=S.TRIALING, renews=True), current_period_end__lte=now
    ).values_list("pk", flat=True))


def due_for_retry(now: datetime) -> list[int]:
    return list(Subscription.objects.filter(status=S.PAST_DUE, next_retry_at__lte=now).values_list("pk", flat=True))


def attempt_renewal(subscription_id: int, now: datetime, *, retry: bool = False) -> str:
    """Charge the next period of one subscription. Returns what happened.

    The charge runs between two short transactions, never under the row lock; its key names the
    subscription, the period it renews and the attempt, so concurrent or repeated runs charge once
    and only the first to come back applies the result.
    """
    with transaction.atomic():
        sub = (Subscription.objects.select_for_update(of=("self",))
               .select_related("tier", "pending_tier", "fan", "creator", "promotion")
               .filter(pk=subscription_id).first())
        if sub is None or not _eligible(sub, now, retry):
            return "not_due"  # gone, or another run got here first
        if (sub.pending_tier or sub.tier).is_archived:
            _stop_archived(sub)  # never charge for a tier no longer offered
            expire_to_follower(sub, "canceled")
            return "expired"
        if sub.payment_method and billing.renewals_billed_by_provider(sub.creator):
            # The processor rebills it; its Renewal* events renew or dun it. Never access without payment:
            # a period that no renewal event extended ends after the grace period.
            if now < sub.current_period_end + timedelta(days=settings.SUBSCRIPTION_GRACE_DAYS):
                return "provider_billed"
            expire_to_follower(sub, "payment_failed")
            return "expired"
        tier, price = next_period_price(sub)
        period_end, attempt = sub.current_period_end, sub.failed_attempts
    key = f"renewal:{sub.pk}:{period_end.isoformat()}:{attempt}"
    if price.minor == 0:
        outcome = billing.ChargeOutcome("succeeded", "", price)
    else:
        try:
            outcome = billing.charge(fan=sub.fan, creator=sub.creator, amount=price, purpose="subscription_renewal",
                                     reference=f"subscription:{sub.pk}", idempotency_key=key,
                                     payment_method=sub.payment_method)
        except ProviderUnavailable:
            return "deferred"  # outcome unknown: the next run retries with the same key
        except DomainError as exc:  # e.g. the saved card now points to another tax country
            outcome = billing.ChargeOutcome("failed", "", price, decline_code=exc.code.lower(), message=exc.message)
    with transaction.atomic():
        sub = (Subscription.objects.select_for_update(of=("self",)).select_related("tier", "fan", "creator")
               .get(pk=sub.pk))
        if sub.current_period_end != period_end or sub.failed_attempts != attempt or not _eligible(sub, now, retry):
            return "not_due"
        if outcome.status == "succeeded":
            _renewed(sub, tier, now)
            return "renewed"
        if outcome.status == "requires_action":
            # Off-session renewals cannot complete 3-D Secure; the fan is asked to update the card.
            outcome = billing.ChargeOutcome("failed", outcome.payment_reference, price,
                                            decline_code="authentication_required")
        _failed(sub, now, outcome)
        return "failed"


def _eligible(sub: Subscription, now: datetime, retry: bool) -> bool:
    if retry:
        return sub.status == S.PAST_DUE
    return sub.current_period_end <= now and (sub.status == S.ACTIVE or (sub.status == S.TRIALING and sub.renews))


def _renewed(sub: Subscription, tier: Tier, now: datetime) -> None:
    was = sub.status
    transition(sub, S.ACTIVE)
    start = sub.current_period_end  # keep the billing anchor, also after a recovered failure
    sub.current_period_start = start
    sub.current_period_end = add_months(start, sub.billing_months)
    while sub.current_period_end <= now:  # long outage: never leave a renewed period already over
        sub.current_period_end = add_months(sub.current_period_end, sub.billing_months)
    if tier.pk != sub.tier_id:  # a scheduled downgrade: the fan agreed to that tier's current price
        sub.price_minor = tier.price_minor
    sub.tier, sub.pending_tier = tier, None
    sub.failed_attempts, sub.grace_until, sub.next_retry_at = 0, None, None
    sub.renewal_count += 1
    if sub.promo_periods_left:
        sub.promo_periods_left -= 1
    sub.save()
    emit("subscription.renewed", event_payload(sub, renewal=sub.renewal_count, recovered=was == S.PAST_DUE,
                                          from_trial=was == S.TRIALING), actor=None)


def _failed(sub: Subscription, now: datetime, outcome: billing.ChargeOutcome) -> None:
    retry_days = settings.SUBSCRIPTION_RETRY_DAYS
    if sub.status != S.PAST_DUE:
        transition(sub, S.PAST_DUE)
        sub.grace_until = now + timedelta(days=settings.SUBSCRIPTION_GRACE_DAYS)
    sub.failed_attempts += 1
    if sub.failed_attempts > len(retry_days):
        emit("subscription.renewal_failed", event_payload(sub, attempt=sub.failed_attempts, final=True,
                                                     decline_code=outcome.decline_code or "unknown"), actor=None)
        _notify(sub, "renewal_final_failure", {})
        expire_to_follower(sub, "payment_failed")
        return
    first_failure = sub.current_period_end
    sub.next_retry_at = max(first_failure + timedelta(days=retry_days[sub.failed_attempts - 1]), now)
    sub.save()
    emit("subscription.renewal_failed", event_payload(sub, attempt=sub.failed_attempts, final=False,
                                                 decline_code=outcome.decline_code or "unknown"), actor=None)
    _notify(sub, "renewal_failed", {"next_retry_at": sub.next_retry_at, "grace_until": sub.grace_until})


def expire_due(now: datetime) -> int:
    """Canceled subscriptions past their period end, and trials that do not continue, expire."""
    expired = 0
    ids = list(Subscription.objects.filter(
        Q(status=S.CANCELED) | Q(status=S.TRIALING, renews=False), current_period_end__lte=now
    ).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            sub = Subscription.objects.select_for_update().filter(pk=pk).first()
            if sub is None or sub.current_period_end > now or sub.status not in (S.CANCELED, S.TRIALING):
                continue
            if sub.status == S.TRIALING and sub.renews:
                continue
            expire_to_follower(sub, "trial_ended" if sub.status == S.TRIALING else "canceled")
            expired += 1
    return expired


def remind_upcoming(now: datetime) -> int:
    """Tell fans before a bundle (multi-month) renewal charges them."""
    horizon = now + timedelta(days=settings.SUBSCRIPTION_REMINDER_DAYS)
    reminded = 0
    for pk in Subscription.objects.filter(status=S.ACTIVE, billing_months__gt=1, current_period_end__lte=horizon,
                                          current_period_end__gt=now).values_list("pk", flat=True):
        with transaction.atomic():
            sub = Subscription.objects.select_for_update(of=("self",)).select_related("fan", "tier").get(pk=pk)
            if sub.renewal_reminded_for == sub.current_period_end:
                continue
            sub.renewal_reminded_for = sub.current_period_end
            sub.save(update_fields=["renewal_reminded_for"])
            _, price = next_period_price(sub)
            _notify(sub, "renewal_reminder", {"price": price})
            reminded += 1
    return reminded


LIVE = (S.ACTIVE, S.TRIALING, S.PAST_DUE)


def _stop_archived(sub: Subscription) -> None:
    """The fan's tier was archived: the subscription runs to its period end and does not renew (row locked)."""
    if sub.status != S.CANCELED:
        transition(sub, S.CANCELED)
    sub.renews, sub.pending_tier, sub.end_reason = False, None, "tier_archived"
    sub.save(update_fields=["status", "renews", "pending_tier", "end_reason", "updated_at"])
    emit("subscription.canceled", event_payload(sub, reason="creator",
                                                effective_at=sub.current_period_end.isoformat()), actor=None)
    _notify(sub, "tier_archived", {})


def stop_archived(now: datetime) -> int:
    """Subscriptions on (or scheduled to move to) an archived tier stop renewing at period end; the fan is told."""
    stopped = 0
    ids = Subscription.objects.filter(Q(tier__is_archived=True) | Q(pending_tier__is_archived=True),
                                      status__in=LIVE).values_list("pk", flat=True)
    for pk in list(ids):
        with transaction.atomic():
            sub = (Subscription.objects.select_for_update(of=("self",))
                   .select_related("tier", "pending_tier", "fan", "creator").get(pk=pk))
            if sub.status not in LIVE:
                continue
            if not sub.tier.is_archived:  # only the scheduled downgrade target went away: keep the current tier
                sub.pending_tier = None
                sub.save(update_fields=["pending_tier", "updated_at"])
                continue
            _stop_archived(sub)
            stopped += 1
    return stopped


def notify_price_changes(now: datetime) -> int:
    """Email fans whose tier now costs more than the price they agreed to: they keep their price until they
    accept the new one (``accept_price``). One email per new price."""
    told = 0
    ids = (Subscription.objects.filter(status__in=LIVE, price_minor__isnull=False,
                                       price_minor__lt=F("tier__price_minor"))
           .exclude(price_notified_minor=F("tier__price_minor")).values_list("pk", flat=True))
    for pk in list(ids):
        with transaction.atomic():
            sub = (Subscription.objects.select_for_update(of=("self",)).select_related("tier", "fan", "creator")
                   .get(pk=pk))
            if sub.price_minor is None or sub.price_notified_minor == sub.tier.price_minor \
                    or sub.price_minor >= sub.tier.price_minor:
                continue
            sub.price_notified_minor = sub.tier.price_minor
            sub.save(update_fields=["price_notified_minor", "updated_at"])
            _notify(sub, "price_change", {"old_price": Money(sub.price_minor, sub.tier.currency),
                                          "new_price": sub.tier.monthly_price})
            told += 1
    return told


def run_billing_cycle(now: datetime | None = None) -> dict[str, int]:
    """The beat job: stop archived tiers, tell of price raises, renew, retry, expire, remind. Each step is
    safe to run concurrently."""
    now = now or timezone.now()
    results = {"renewed": 0, "failed": 0, "expired": 0, "reminded": 0}
    results["stopped"] = stop_archived(now)
    results["price_notices"] = notify_price_changes(now)
    for pk in due_for_renewal(now):
        outcome = attempt_renewal(pk, now)
        if outcome in results:
            results[outcome] += 1
    for pk in due_for_retry(now):
        outcome = attempt_renewal(pk, now, retry=True)
        if outcome in results:
            results[outcome] += 1
    results["expired"] += expire_due(now)
    results["reminded"] = remind_upcoming(now)
    return results


# --- renewals billed by the processor (CCBill), told through payments' provider_subscription_changed hook --------
def provider_renewed(subscription_id: int, now: datetime) -> bool:
    """The processor billed the next period: renew like a successful charge (also out of dunning)."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().select_related("tier").filter(pk=subscription_id).first()
        if sub is None or sub.status not in (S.ACTIVE, S.PAST_DUE, S.TRIALING):
            return False
        tier = sub.pending_tier or sub.tier
        _renewed(sub, tier, now)
    return True


def provider_renewal_failed(subscription_id: int, now: datetime) -> bool:
    """The processor could not bill the next period: dunning as for our own failed charge (past due, grace,
    the fan told; expired after the last attempt)."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if sub is None or sub.status not in (S.ACTIVE, S.PAST_DUE, S.TRIALING):
            return False
        price = Money(sub.price_minor or sub.tier.price_minor, sub.tier.currency)
        _failed(sub, now, billing.ChargeOutcome("failed", "", price, decline_code="processor_declined"))
    return True
