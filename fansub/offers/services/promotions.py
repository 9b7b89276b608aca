"""Trial links and promotions: who may claim them and what they cost."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from common.errors import InvalidTransition, NotFoundError, PromotionNotEligible, ValidationFailed
from fansub.accounts.models import User
from fansub.offers.models import Promotion, Tier, TrialLink
from fansub.offers.services.tiers import platform_bound
from fansub.subscriptions.models import Subscription
from governance.services import audit
from payments.money import Money
from telemetry.events import emit


def fan_history(fan: User, creator: User) -> str:
    """"new" (never subscribed to this creator), "expired" (only past subscriptions) or "current"."""
    statuses = set(Subscription.objects.filter(fan=fan, creator=creator).values_list("status", flat=True))
    if not statuses:
        return "new"
    return "expired" if statuses == {"expired"} else "current"


def check_trial(fan: User, link: TrialLink, now: datetime) -> None:
    if not link.is_active or link.expires_at <= now:
        raise PromotionNotEligible("This trial link has expired.", details={"rule": "expired"})
    if link.claims >= link.max_claims:
        raise PromotionNotEligible("This trial link has been fully claimed.", details={"rule": "claim_limit"})
    if fan_history(fan, link.creator) == "current":
        raise PromotionNotEligible("Trials are for fans who are new or expired to this creator.",
                                   details={"rule": "new_or_expired_only"})
    if link.tier.is_archived:
        raise PromotionNotEligible("This tier is no longer offered.", details={"rule": "tier_archived"})


def check_promotion(fan: User, promo: Promotion, tier: Tier, now: datetime) -> None:
    if promo.tier_id != tier.pk:
        raise PromotionNotEligible("This promotion is for another tier.", details={"rule": "other_tier"})
    if not promo.is_active or not (promo.starts_at <= now < promo.ends_at):
        raise PromotionNotEligible("This promotion is not running.", details={"rule": "window"})
    if promo.claims >= promo.max_claims:
        raise PromotionNotEligible("This promotion has been fully claimed.", details={"rule": "claim_limit"})
    history = fan_history(fan, tier.creator)
    if (history == "new" and not promo.for_new) or (history == "expired" and not promo.for_expired) \
            or history == "current":
        raise PromotionNotEligible("This promotion is not for your subscription history.",
                                   details={"rule": f"not_for_{history}"})


def promoted_price(promo: Promotion, regular: Money, months: int = 1) -> Money:
    """The promotional price of one billing period of ``months`` (a bundle), never below the platform floor
    (nor above the regular price). A fixed promotion price, like the floor, is per month of the period."""
    if promo.kind == Promotion.Kind.PERCENT_OFF:
        price = regular.multiply(Decimal(100 - promo.percent_off) / Decimal(100))
    else:
        price = Money(promo.fixed_price_minor * months, regular.currency)
    floor = platform_bound(settings.PROMOTION_PRICE_FLOOR, regular.currency).multiply(months)
    return min(max(price, floor), regular)


def set_offer_active(creator: User, offer: str, offer_id: int, *, active: bool) -> Promotion | TrialLink:
    """Pause (``active=False``) or resume a promotion or trial link of the creator's own. A paused offer
    cannot be claimed; claims already made stand. Pausing a paused offer is INVALID_TRANSITION (a replay
    is refused, never a silent no-op); another creator's offer is NOT_FOUND."""
    model = {"promotion": Promotion, "trial_link": TrialLink}.get(offer)
    if model is None:
        raise ValidationFailed(details={"offer": ["promotion or trial_link."]})
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=offer_id, creator=creator).first()
        if row is None:
            raise NotFoundError("No such offer.")
        if row.is_active == active:
            raise InvalidTransition("This offer is already running." if active else "This offer is already paused.")
        row.is_active = active
        row.save(update_fields=["is_active"])
        verb = "resumed" if active else "paused"
        audit.record(actor=creator, action=f"offers.{offer}_{verb}", obj=row)
        emit(f"subscription.offer_{verb}", {"offer": offer, "offer_id": row.pk, "tier_id": row.tier_id},
             actor=creator)
    return row
