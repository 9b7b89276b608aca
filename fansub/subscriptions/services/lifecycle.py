"""The subscription lifecycle steps shared by checkout, changes and renewals: one transition table, one
event payload, the recurring price, and expiry back to a free follow."""

from typing import Any

from django.utils import timezone

from common.errors import ValidationFailed
from fansub.accounts.models import Follow
from fansub.accounts.services.social import is_blocked_between
from fansub.offers.models import Tier
from fansub.subscriptions.models import SUBSCRIPTION_TRANSITIONS, Subscription
from fansub.subscriptions.models import SubscriptionStatus as S
from payments.money import Money
from telemetry.events import emit


def transition(sub: Subscription, target: str) -> None:
    SUBSCRIPTION_TRANSITIONS.move(sub, target)


def event_payload(sub: Subscription, **extra: Any) -> dict[str, Any]:
    return {"subscription_id": sub.pk, "tier_id": sub.tier_id, **extra}


def recurring_price(tier: Tier, months: int) -> tuple[Money, int]:
    """Price of one billing period of ``months`` and the bundle discount applied (percent)."""
    if months == 1:
        return tier.monthly_price, 0
    bundle = tier.bundles.filter(months=months, is_active=True).first()
    if bundle is None:
        raise ValidationFailed("This bundle is not offered.", details={"months": ["Not offered for this tier."]})
    return bundle.price(), bundle.discount_percent


def expire_to_follower(sub: Subscription, reason: str) -> None:
    """Expired subscribers become free followers (unless a block ended it)."""
    transition(sub, S.EXPIRED)
    sub.ended_at = timezone.now()
    sub.end_reason = sub.end_reason or reason
    sub.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    if sub.end_reason != "blocked" and not is_blocked_between(sub.fan, sub.creator):
        Follow.objects.get_or_create(fan=sub.fan, creator=sub.creator)
    emit("subscription.expired", event_payload(sub, reason=reason), actor=None)
