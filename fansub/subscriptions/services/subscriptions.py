"""Subscribing, trials, cancellation, resumption, tier changes and payment-method updates.

Renewals, dunning and expiry run from Celery beat in ``fansub.subscriptions.services.renewals``.
Every money movement goes through ``fansub.purchases.services.billing`` with an idempotency key built from
local ids and the operation, so a retried request or job never charges twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from common.errors import (
    AgeVerificationRequired,
    AlreadySubscribed,
    Blocked,
    CheckoutExpired,
    CheckoutInProgress,
    DomainError,
    IdempotencyConflict,
    IdempotencyInProgress,
    InvalidTransition,
    NotFoundError,
    PaymentDeclined,
    PermissionDeniedError,
    PromotionNotEligible,
    TierFull,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.accounts.services import page_stamps
from fansub.accounts.services.social import is_blocked_between
from fansub.offers.models import Promotion, Tier, TrialLink
from fansub.offers.services import promotions
from fansub.posts.entitlements import live_subscription_q
from fansub.purchases.services import billing
from fansub.subscriptions.models import CHECKOUT_TRANSITIONS, Subscription, SubscriptionCheckout, SubscriptionStatus
from fansub.subscriptions.services import renewals
from fansub.subscriptions.services.lifecycle import event_payload, recurring_price, transition
from fansub.subscriptions.services.periods import add_months, prorated
from fansub.verification.policy import can_view_adult
from payments.errors import ProviderUnavailable
from payments.money import Money
from telemetry.events import emit

S = SubscriptionStatus


@dataclass(frozen=True)
class SubscribeResult:
    subscription: Subscription | None
    checkout: SubscriptionCheckout | None = None
    client_action: dict[str, Any] | None = None

    @property
    def requires_action(self) -> bool:
        return self.client_action is not None


@dataclass(frozen=True)
class SubscriptionQuote:
    tier: Tier
    months: int
    first_period: Money
    recurring: Money
    promotion: Promotion | None
    price: billing.PriceQuote | None  # tax breakdown of the first charge (None for free)


def _sellable_tier(fan: User, tier_id: int) -> Tier:
    if fan.role != Role.FAN:
        raise PermissionDeniedError("Only fan accounts subscribe.")
    tier = Tier.objects.select_related("creator__creator_profile").filter(pk=tier_id, is_archived=False).first()
    if tier is None:
        raise NotFoundError("No such tier.")

    if tier.creator.creator_profile.is_adult and not can_view_adult(fan):
        raise AgeVerificationRequired("Verify your age to subscribe to this creator.")
    if is_blocked_between(fan, tier.creator):
        raise Blocked()
    return tier


def _promotion(fan: User, tier: Tier, code: str | None) -> Promotion | None:
    if not code:
        return None
    promo = Promotion.objects.filter(code=code, creator=tier.creator).first()
    if promo is None:
        raise PromotionNotEligible("Unknown promotion code.", details={"rule": "unknown"})
    promotions.check_promotion(fan, promo, tier, timezone.now())
    return promo


def quote_subscription(fan: User, tier_id: int, *, months: int = 1, promotion_code: str | None = None
                       ) -> SubscriptionQuote:
    tier = _sellable_tier(fan, tier_id)
    recurring, _ = recurring_price(tier, months)
    promo = _promotion(fan, tier, promotion_code)
    first = promotions.promoted_price(promo, recurring, months) if promo else recurring
    price = billing.quote(fan, tier.creator, first) if first.minor else None
    return SubscriptionQuote(tier, months, first, recurring, promo, price)


# --- decide before charging ------------------------------------------------------------------
# Every money flow here follows one pattern: lock the fan's user row (then the subscription, then the
# tier, then the promotion), settle eligibility under those locks — already subscribed, a live pending
# checkout of the same fan for the same creator (CHECKOUT_IN_PROGRESS), capacity counting the seats that
# live checkouts reserve, promotion claims — and write a pending checkout that *reserves* the seat and
# the claim, all BEFORE the provider is called. A checkout that fails or expires releases both; a charge
# whose fulfilment still fails (late 3-D Secure after expiry) is refunded in the same flow through
# ``billing.refund_unfulfilled`` (audit row + ``purchase.charge_reversed`` event).

CK = SubscriptionCheckout.Status


def checkout_ttl() -> timedelta:
    return timedelta(minutes=settings.SUBSCRIPTION_CHECKOUT_TTL_MINUTES)


def _live_checkouts(now: datetime) -> Any:
    """Pending checkouts that still block their fan and hold their seat (rows without ``expires_at``
    predate the column and count from their creation)."""
    return SubscriptionCheckout.objects.filter(status=CK.PENDING).filter(
        Q(expires_at__gt=now) | Q(expires_at__isnull=True, created_at__gt=now - checkout_ttl()))


def _is_stale(checkout: SubscriptionCheckout, now: datetime) -> bool:
    deadline = checkout.expires_at or checkout.created_at + checkout_ttl()
    return checkout.status == CK.PENDING and deadline <= now


def _lock_fan(fan: User) -> None:
    """The fan's user row serializes every purchase decision of that fan (one checkout at a time)."""
    User.objects.select_for_update().filter(pk=fan.pk).values_list("pk", flat=True).first()


def _release_promotion(checkout: SubscriptionCheckout) -> bool:
    if not (checkout.promotion_reserved and checkout.promotion_id):
        return False
    Promotion.objects.filter(pk=checkout.promotion_id, claims__gt=0).update(claims=F("claims") - 1)
    page_stamps.touch_creators([checkout.tier.creator_id])
    checkout.promotion_reserved = False
    return True


def _end_checkout(checkout: SubscriptionCheckout, target: str) -> None:
    """Pending → failed/expired (caller holds the row lock): the seat and the promotion claim are freed."""
    CHECKOUT_TRANSITIONS.move(checkout, target)
    released = _release_promotion(checkout)
    checkout.save(update_fields=["status", "promotion_reserved", "payment_reference"])
    if target == CK.EXPIRED:
        emit("subscription.checkout_expired", {"checkout_id": checkout.pk, "tier_id": checkout.tier_id,
                                               "kind": checkout.kind, "promotion_released": released},
             actor=checkout.fan)


def _expire_stale(queryset: Any, now: datetime) -> int:
    """Expire the pending checkouts of ``queryset`` whose time is up (inside the caller's transaction)."""
    done = 0
    for checkout in queryset.select_for_update(of=("self",)).filter(status=CK.PENDING).select_related("fan"):
        if _is_stale(checkout, now):
            _end_checkout(checkout, CK.EXPIRED)
            done += 1
    return done


def expire_checkouts(now: datetime | None = None) -> int:
    """Beat: abandoned pending checkouts stop blocking after SUBSCRIPTION_CHECKOUT_TTL_MINUTES."""
    now = now or timezone.now()
    stale = SubscriptionCheckout.objects.filter(status=CK.PENDING).filter(
        Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lte=now - checkout_ttl()))
    done = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            done += _expire_stale(SubscriptionCheckout.objects.filter(pk=pk), now)
    return done


def _check_capacity(tier: Tier, now: datetime | None = None) -> None:
    """Called with the tier row locked, so two last-place buyers cannot both get in. Seats held by live
    pending checkouts (subscribing to, or upgrading into, this tier) count as taken."""
    if tier.member_cap is None:
        return
    now = now or timezone.now()
    members = Subscription.objects.filter(live_subscription_q(now), tier=tier).count()
    reserved = _live_checkouts(now).filter(tier=tier).count()
    if members + reserved >= tier.member_cap:
        raise TierFull(details={"tier_id": tier.pk, "member_cap": tier.member_cap})


def _refund_unfulfilled(checkout: SubscriptionCheckout, payment_reference: str, reason: str) -> None:
    purpose = "subscription_upgrade" if checkout.kind == SubscriptionCheckout.Kind.UPGRADE else "subscription"
    billing.refund_unfulfilled(payment_reference, purpose=purpose, reference=f"checkout:{checkout.pk}",
                               reason=reason)


def subscribe(fan: User, tier_id: int, *, payment_method: str, idempotency_key: str, months: int = 1,
              promotion_code: str | None = None, confirmed_country: str = "") -> SubscribeResult:
    """Subscribe now; paid tiers charge the first period. 3-D Secure returns a client action instead.

    Idempotent per (fan, key): a replay answers with the first outcome, and a request whose
    payment outcome was unknown (provider down) re-drives the same payment rather than a new one.
    Another key while this fan has a live checkout for the creator is refused (CHECKOUT_IN_PROGRESS)
    before any charge.
    """
    key = f"subscribe:{fan.pk}:{idempotency_key}"
    checkout = SubscriptionCheckout.objects.select_related("tier").filter(idempotency_key=key).first()
    if checkout is None:
        quote = quote_subscription(fan, tier_id, months=months, promotion_code=promotion_code)
        with transaction.atomic():
            _lock_fan(fan)
            checkout = SubscriptionCheckout.objects.select_related("tier").filter(idempotency_key=key).first()
            if checkout is None:  # not a replay that raced us: decide, then reserve
                result = _reserve(fan, quote, payment_method, key)
                if isinstance(result, SubscribeResult):
                    return result
                checkout = result
    if checkout.tier_id != tier_id or checkout.months != months:
        raise IdempotencyConflict("This Idempotency-Key was used for another subscription.")
    if _is_stale(checkout, timezone.now()):
        with transaction.atomic():
            _expire_stale(SubscriptionCheckout.objects.filter(pk=checkout.pk), timezone.now())
        checkout.refresh_from_db()
    if checkout.status != CK.PENDING:
        return _replay(checkout)
    try:
        outcome = billing.charge(fan=fan, creator=checkout.tier.creator, amount=_checkout_amount(checkout),
                                 purpose="subscription", reference=f"checkout:{checkout.pk}",
                                 idempotency_key=f"checkout:{checkout.pk}:charge",
                                 payment_method=checkout.payment_method, confirmed_country=confirmed_country,
                                 renews_at=recurring_price(checkout.tier, checkout.months)[0],
                                 period_months=checkout.months)
    except (ProviderUnavailable, IdempotencyInProgress):
        raise  # outcome unknown: the checkout stays pending and a retry with the same key re-drives it
    except DomainError:
        # Refused before any money moved (tax location, validation): nothing to keep, the claim goes back.
        with transaction.atomic():
            locked = SubscriptionCheckout.objects.select_for_update().filter(
                pk=checkout.pk, status=CK.PENDING, payment_reference="").first()
            if locked is not None and not billing.charge_recorded("subscription", f"checkout:{checkout.pk}"):
                _release_promotion(locked)
                locked.delete()
        raise
    return _settle_checkout(checkout, outcome)


def _reserve(fan: User, quote: SubscriptionQuote, payment_method: str, key: str
             ) -> SubscriptionCheckout | SubscribeResult:
    """Under the fan's lock: lock the tier (and promotion), decide, and write the pending checkout that
    holds the seat and the promotion claim. A free first period starts the subscription at once."""
    now = timezone.now()
    tier = Tier.objects.select_related("creator").select_for_update(of=("self",)).get(pk=quote.tier.pk)
    _expire_stale(SubscriptionCheckout.objects.filter(fan=fan), now)
    if Subscription.objects.filter(fan=fan, creator=tier.creator).exclude(status=S.EXPIRED).exists():
        raise AlreadySubscribed()
    if _live_checkouts(now).filter(fan=fan, tier__creator_id=tier.creator_id).exists():
        raise CheckoutInProgress(details={"creator_tier_id": tier.pk})
    _check_capacity(tier, now)
    promo = quote.promotion
    if promo is not None:
        promo = Promotion.objects.select_for_update().get(pk=promo.pk)
        promotions.check_promotion(fan, promo, tier, now)  # claims include those reserved by live checkouts
    if quote.first_period.minor == 0:
        return SubscribeResult(_start(fan, tier, quote.months, payment_method, promo, reference=""))
    checkout = SubscriptionCheckout.objects.create(
        fan=fan, tier=tier, months=quote.months, promotion=promo, promotion_reserved=promo is not None,
        payment_method=payment_method, idempotency_key=key, expires_at=now + checkout_ttl())
    if promo is not None:
        Promotion.objects.filter(pk=promo.pk).update(claims=F("claims") + 1)
        page_stamps.touch_creators([promo.creator_id])  # claims left, on the creator's page
    return checkout


def _checkout_amount(checkout: SubscriptionCheckout) -> Money:
    price, _ = recurring_price(checkout.tier, checkout.months)
    return promotions.promoted_price(checkout.promotion, price, checkout.months) if checkout.promotion else price


def _replay(checkout: SubscriptionCheckout) -> SubscribeResult:
    if checkout.status == CK.FAILED:
        raise PaymentDeclined(details={"checkout_id": checkout.pk})
    if checkout.status == CK.EXPIRED:
        raise CheckoutExpired(details={"checkout_id": checkout.pk})
    return SubscribeResult(checkout.subscription, checkout)


def _fulfil(checkout: SubscriptionCheckout) -> DomainError | None:
    """Complete a paid checkout (row locked); if what it paid for cannot be given, fail it instead and
    return the reason (the caller refunds after its transaction)."""
    try:
        with transaction.atomic():
            _complete(checkout)
    except DomainError as exc:
        reference = checkout.payment_reference
        checkout.refresh_from_db()  # the savepoint rolled back: drop in-memory changes, keep the reference
        checkout.payment_reference = reference
        _end_checkout(checkout, CK.FAILED)
        return exc
    return None


def _settle_checkout(checkout: SubscriptionCheckout, outcome: billing.ChargeOutcome) -> SubscribeResult:
    refund: str | None = None
    problem: DomainError | None = None
    with transaction.atomic():
        checkout = (SubscriptionCheckout.objects.select_for_update(of=("self",)).select_related("fan")
                    .get(pk=checkout.pk))
        if checkout.status != CK.PENDING:
            if outcome.status == "succeeded" and checkout.status == CK.EXPIRED:
                refund = "checkout_expired"  # it expired while the provider answered: give the money back
            else:
                return _replay(checkout)  # a concurrent request with the same key settled it first
        else:
            checkout.payment_reference = outcome.payment_reference
            if outcome.status == "failed":
                _end_checkout(checkout, CK.FAILED)
                emit("subscription.payment_failed",
                     {"tier_id": checkout.tier_id,
                      "stage": "upgrade" if checkout.kind == SubscriptionCheckout.Kind.UPGRADE else "first_charge",
                      "decline_code": outcome.decline_code or "unknown"}, actor=checkout.fan)
            elif outcome.status == "requires_action":
                checkout.save(update_fields=["payment_reference"])
            else:
                problem = _fulfil(checkout)
                refund = "not_fulfillable" if problem else None
    if refund:
        _refund_unfulfilled(checkout, outcome.payment_reference, refund)
        if problem is not None:
            raise problem
        raise CheckoutExpired("This checkout expired before its payment finished; the payment was refunded.",
                              details={"checkout_id": checkout.pk})
    if outcome.status == "failed":
        raise PaymentDeclined(outcome.message or None, details={"decline_code": outcome.decline_code})
    if outcome.status == "requires_action":
        return SubscribeResult(None, checkout, outcome.client_action or {"type": "none"})
    checkout.refresh_from_db()
    return SubscribeResult(checkout.subscription, checkout)


def complete_checkout_payment(payment_reference: str, succeeded: bool, reference: str = "") -> None:
    """Called by payments when an awaited payment finishes (3-D Secure done, webhook arrived).

    A success that comes after the checkout expired, or whose seat/promotion can no longer be honoured,
    is refunded here, in the same flow."""
    refund: str | None = None
    with transaction.atomic():
        found = SubscriptionCheckout.objects.select_for_update(of=("self",)).select_related("fan")
        checkout = found.filter(payment_reference=payment_reference).first()
        if checkout is None and reference.startswith("checkout:") and reference[9:].isdigit():
            # The payment finished before the checkout learnt its reference (provider timeout, reconcile).
            checkout = found.filter(pk=int(reference[9:]), payment_reference="").first()
        if checkout is None:
            return
        if checkout.status == CK.PENDING:
            checkout.payment_reference = payment_reference
            if not succeeded:
                _end_checkout(checkout, CK.FAILED)
            elif _is_stale(checkout, timezone.now()):
                _end_checkout(checkout, CK.EXPIRED)
                refund = "checkout_expired"
            elif _fulfil(checkout) is not None:
                refund = "not_fulfillable"
        elif succeeded and checkout.status == CK.EXPIRED:
            refund = "checkout_expired"  # already settled: webhooks and redirects may both report it
        elif succeeded and checkout.status == CK.FAILED and billing.payment_succeeded(payment_reference):
            # Paid after the attempt was given up (an abandoned CCBill form the fan finished later): the seat and
            # promotion were released, so the money goes back rather than being kept for nothing.
            refund = "checkout_failed"
    if refund:
        _refund_unfulfilled(checkout, payment_reference, refund)


def _complete(checkout: SubscriptionCheckout) -> None:
    if checkout.kind == SubscriptionCheckout.Kind.UPGRADE:
        sub = Subscription.objects.select_for_update().get(pk=checkout.subscription_id)
        if sub.status not in (S.ACTIVE, S.TRIALING) or sub.tier_id == checkout.tier_id:
            raise InvalidTransition("This subscription can no longer be upgraded to that tier.",
                                    details={"machine": "subscription", "from": sub.status, "to": "change_tier"})
        _apply_upgrade(sub, checkout.tier, checkout.payment_method)
    else:
        sub = _start(checkout.fan, checkout.tier, checkout.months, checkout.payment_method, checkout.promotion,
                     reference=checkout.payment_reference, claimed=checkout.promotion_reserved)
        checkout.subscription = sub
        checkout.promotion_reserved = False  # the claim now belongs to the subscription
    CHECKOUT_TRANSITIONS.move(checkout, CK.COMPLETED)
    checkout.save(update_fields=["status", "subscription", "promotion_reserved", "payment_reference"])


def _start(fan: User, tier: Tier, months: int, payment_method: str, promo: Promotion | None,
           *, reference: str, claimed: bool = False) -> Subscription:
    """``claimed``: the promotion's claim was already reserved by the checkout."""
    now = timezone.now()
    recurring, discount = recurring_price(tier, months)
    try:
        with transaction.atomic():
            sub = Subscription.objects.create(
                fan=fan, creator=tier.creator, tier=tier, status=S.ACTIVE, billing_months=months,
                bundle_discount_percent=discount, price_minor=tier.price_minor, current_period_start=now,
                current_period_end=add_months(now, months), payment_method=payment_method, promotion=promo,
                promo_periods_left=max(promo.periods - 1, 0) if promo else 0)
    except IntegrityError:
        raise AlreadySubscribed() from None
    if promo:
        if not claimed:
            updated = Promotion.objects.filter(pk=promo.pk, claims__lt=F("max_claims")).update(claims=F("claims") + 1)
            page_stamps.touch_creators([promo.creator_id])
            if not updated:
                raise PromotionNotEligible("This promotion has been fully claimed.",
                                           details={"rule": "claim_limit"})
        emit("subscription.promotion_claimed", {"subscription_id": sub.pk, "promotion_id": promo.pk}, actor=fan)
    emit("subscription.subscribed", event_payload(sub, months=months, price_minor=tier.price_minor,
                                             period_price_minor=recurring.minor, currency=tier.currency,
                                             promoted=promo is not None), actor=fan)
    return sub


def claim_trial(fan: User, code: str, *, continue_after_trial: bool, payment_method: str = "") -> Subscription:
    """Start a free trial. It renews into a paid period only if the fan opted in with a saved payment method."""
    if fan.role != Role.FAN:
        raise PermissionDeniedError("Only fan accounts subscribe.")
    if continue_after_trial and not payment_method:
        raise ValidationFailed("Add a payment method to continue after the trial.",
                               details={"payment_method": ["Required to continue after the trial."]})
    now = timezone.now()
    with transaction.atomic():
        _lock_fan(fan)
        link = (TrialLink.objects.select_for_update(of=("self",)).select_related("tier", "creator")
                .filter(code=code).first())
        if link is None:
            raise PromotionNotEligible("Unknown trial link.", details={"rule": "unknown"})
        _sellable_tier(fan, link.tier_id)
        promotions.check_trial(fan, link, now)
        if _live_checkouts(now).filter(fan=fan, tier__creator_id=link.creator_id).exists():
            raise CheckoutInProgress()
        Tier.objects.select_for_update().filter(pk=link.tier_id).values_list("pk", flat=True).first()
        _check_capacity(link.tier, now)
        try:
            sub = Subscription.objects.create(
                fan=fan, creator=link.creator, tier=link.tier, status=S.TRIALING, current_period_start=now,
                started_as_trial=True, price_minor=link.tier.price_minor,
                current_period_end=now + timedelta(days=link.days), renews=continue_after_trial,
                payment_method=payment_method if continue_after_trial else "")
        except IntegrityError:
            raise AlreadySubscribed() from None
        link.claims += 1
        link.save(update_fields=["claims"])
        emit("subscription.trial_claimed", event_payload(sub, days=link.days, continues=continue_after_trial),
             actor=fan)
    return sub


def _own(fan: User, subscription_id: int) -> Subscription:
    sub = Subscription.objects.select_for_update().filter(pk=subscription_id, fan=fan).first()
    if sub is None:
        raise NotFoundError("No such subscription.")
    return sub


def cancel(fan: User, subscription_id: int) -> Subscription:
    """One click: access continues to the end of the paid period, then the subscription expires."""
    with transaction.atomic():
        sub = _own(fan, subscription_id)
        transition(sub, S.CANCELED)
        sub.renews = False
        sub.pending_tier = None
        sub.end_reason = "canceled_by_fan"
        sub.save(update_fields=["status", "renews", "pending_tier", "end_reason", "updated_at"])
        emit("subscription.canceled", event_payload(sub, reason="fan", effective_at=sub.current_period_end.isoformat()),
             actor=fan)
    return sub


def resume(fan: User, subscription_id: int) -> Subscription:
    with transaction.atomic():
        sub = _own(fan, subscription_id)
        if sub.current_period_end <= timezone.now():
            raise InvalidTransition("This subscription has ended; subscribe again.",
                                    details={"machine": "subscription", "from": sub.status, "to": S.ACTIVE})
        if sub.status != S.CANCELED:
            # Only a subscription set to cancel can be resumed: a trial converts by paying (upgrade or its
            # opted-in renewal), an active one has nothing to resume, a past-due one needs a new card.
            raise InvalidTransition(f"A {sub.status} subscription is not set to cancel; nothing to resume.",
                                    details={"machine": "subscription", "from": sub.status, "to": "resume"})
        if sub.end_reason == "blocked":
            raise Blocked()
        if sub.end_reason == "tier_archived":
            raise InvalidTransition("This tier is no longer offered; choose another tier.",
                                    details={"machine": "subscription", "from": sub.status, "to": "resume"})
        if sub.started_as_trial and sub.renewal_count == 0:
            # A canceled trial resumes as the trial it was: free to its end, paid after only with a card.
            transition(sub, S.TRIALING)
            sub.renews = bool(sub.payment_method)
            sub.end_reason = ""
            sub.save(update_fields=["status", "renews", "end_reason", "updated_at"])
            emit("subscription.resumed", event_payload(sub), actor=fan)
            return sub
        transition(sub, S.ACTIVE)
        sub.renews = True
        sub.end_reason = ""
        sub.save(update_fields=["status", "renews", "end_reason", "updated_at"])
        emit("subscription.resumed", event_payload(sub), actor=fan)
    return sub


def accept_price(fan: User, subscription_id: int) -> Subscription:
    """The fan accepts their tier's current price: it applies from the next renewal on. Until then they keep
    the price they agreed to (creators' raises never reach a renewal without this)."""
    with transaction.atomic():
        sub = _own(fan, subscription_id)
        if sub.status == S.EXPIRED:
            raise InvalidTransition("This subscription has ended.",
                                    details={"machine": "subscription", "from": sub.status, "to": "accept_price"})
        old = sub.price_minor
        sub.price_minor = sub.tier.price_minor
        sub.price_notified_minor = None
        sub.save(update_fields=["price_minor", "price_notified_minor", "updated_at"])
        emit("subscription.price_accepted", event_payload(sub, old_price_minor=old, price_minor=sub.price_minor),
             actor=fan)
    return sub


def change_tier(fan: User, subscription_id: int, new_tier_id: int, *, idempotency_key: str,
                payment_method: str | None = None) -> SubscribeResult:
    """Upgrade now for the prorated difference; a downgrade takes effect at the next renewal."""
    key = f"upgrade:{subscription_id}:{idempotency_key}"
    with transaction.atomic():
        _lock_fan(fan)
        now = timezone.now()
        _expire_stale(SubscriptionCheckout.objects.filter(fan=fan), now)  # lock order: fan, checkouts, sub
        sub = _own(fan, subscription_id)
        replay = SubscriptionCheckout.objects.filter(idempotency_key=key, subscription=sub).first()
        if replay is not None:
            return _replay(replay)
        if _live_checkouts(now).filter(subscription=sub).exists():
            raise CheckoutInProgress(details={"subscription_id": sub.pk})
        if sub.status not in (S.ACTIVE, S.TRIALING):
            raise InvalidTransition(f"A {sub.status} subscription cannot change tier.",
                                    details={"machine": "subscription", "from": sub.status, "to": "change_tier"})
        tier = Tier.objects.select_for_update().filter(pk=new_tier_id, creator_id=sub.creator_id,
                                                       is_archived=False).first()
        if tier is None or tier.pk == sub.tier_id:
            raise ValidationFailed(details={"tier_id": ["Choose another tier of this creator."]})
        current = sub.tier
        if tier.price_minor <= current.price_minor:
            sub.pending_tier = tier
            sub.save(update_fields=["pending_tier", "updated_at"])
            emit("subscription.downgrade_scheduled", event_payload(sub, new_tier_id=tier.pk,
                                                              effective_at=sub.current_period_end.isoformat()),
                 actor=fan)
            return SubscribeResult(sub)
        _check_capacity(tier, now)
        # The fan keeps the bundle discount they bought; only the price difference for the rest of
        # the period is charged.
        keep = Decimal(100 - sub.bundle_discount_percent) / Decimal(100) * sub.billing_months
        difference = tier.monthly_price.multiply(keep) - renewals.agreed_monthly(sub, current).multiply(keep)
        due = prorated(difference, sub.current_period_start, sub.current_period_end, now)
        if sub.status == S.TRIALING:
            # A trial is free for the tier it was offered on only: upgrading pays the target tier's full
            # period, which starts now (the trial ends).
            due, _ = recurring_price(tier, sub.billing_months)
            if not (payment_method or sub.payment_method):
                raise ValidationFailed("Add a payment method to upgrade from a trial.",
                                       details={"payment_method": ["Required to upgrade from a trial."]})
        if due.minor == 0:
            _apply_upgrade(sub, tier)
            return SubscribeResult(sub)
        checkout = SubscriptionCheckout.objects.create(
            fan=fan, tier=tier, kind=SubscriptionCheckout.Kind.UPGRADE, subscription=sub, months=sub.billing_months,
            payment_method=payment_method or sub.payment_method, idempotency_key=key,
            expires_at=now + checkout_ttl())
    try:
        outcome = billing.charge(fan=fan, creator=tier.creator, amount=due, purpose="subscription_upgrade",
                                 reference=f"checkout:{checkout.pk}",
                                 idempotency_key=f"checkout:{checkout.pk}:charge",
                                 payment_method=checkout.payment_method)
    except (ProviderUnavailable, IdempotencyInProgress):
        raise
    except DomainError:  # refused before any money moved: the checkout must not block the next try
        if not billing.charge_recorded("subscription_upgrade", f"checkout:{checkout.pk}"):
            SubscriptionCheckout.objects.filter(pk=checkout.pk, status=CK.PENDING, payment_reference="").delete()
        raise
    return _settle_checkout(checkout, outcome)


def _apply_upgrade(sub: Subscription, tier: Tier, payment_method: str = "") -> None:
    old = sub.tier_id
    sub.tier = tier
    sub.pending_tier = None
    sub.price_minor = tier.price_minor
    if sub.status == S.TRIALING:  # paid for the target tier's full period: the trial becomes a paid period
        now = timezone.now()
        transition(sub, S.ACTIVE)
        sub.current_period_start, sub.current_period_end = now, add_months(now, sub.billing_months)
        sub.renews = True
        sub.payment_method = payment_method or sub.payment_method
    sub.save()
    emit("subscription.upgraded", event_payload(sub, old_tier_id=old), actor=sub.fan)


def update_payment_method(fan: User, subscription_id: int, payment_method: str) -> Subscription:
    """Save a new card; a past-due subscription is retried straight away."""
    if not payment_method.strip():
        raise ValidationFailed(details={"payment_method": ["Required."]})
    with transaction.atomic():
        sub = _own(fan, subscription_id)
        if sub.status == S.EXPIRED:
            raise InvalidTransition("This subscription has ended.",
                                    details={"machine": "subscription", "from": sub.status})
        sub.payment_method = payment_method.strip()
        sub.save(update_fields=["payment_method", "updated_at"])
    if sub.status == S.PAST_DUE:
        renewals.attempt_renewal(sub.pk, timezone.now(), retry=True)
        sub.refresh_from_db()
    return sub
