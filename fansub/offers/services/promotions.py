"""Trial links and promotions: who may claim them and what they cost."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings

from common.errors import PromotionNotEligible
from fansub.accounts.models import User
from fansub.offers.models import Promotion, Tier, TrialLink
from fansub.offers.services.tiers import platform_bound
from fansub.subscriptions.models import Subscription
from payments.money import Money


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
