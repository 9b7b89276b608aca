"""Reads for the fan's subscriptions page and the creator's subscribers page."""

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from fansub.accounts.models import User
from fansub.offers.models import Tier
from fansub.posts.entitlements import live_subscription_q
from fansub.subscriptions.models import Subscription, SubscriptionStatus
from payments.money import Money


def fan_subscriptions(fan: User) -> list[Subscription]:
    return list(Subscription.objects.filter(fan=fan).select_related("tier", "pending_tier", "creator__creator_profile")
                .prefetch_related("creator__tiers").order_by("status", "-current_period_end")[:200])


def creator_subscribers(creator: User, *, status: str | None = None) -> dict[str, Any]:
    now = timezone.now()
    subs = Subscription.objects.filter(creator=creator).select_related("fan", "tier")
    groups = {
        "current": subs.filter(live_subscription_q(now)).exclude(status=SubscriptionStatus.TRIALING),
        "trialing": subs.filter(status=SubscriptionStatus.TRIALING, current_period_end__gt=now),
        "past_due": subs.filter(status=SubscriptionStatus.PAST_DUE),
        "expired": subs.filter(status=SubscriptionStatus.EXPIRED),
    }
    chosen = status if status in groups else "current"
    live = Q(subscriptions__in=Subscription.objects.filter(live_subscription_q(now), creator=creator)
             .exclude(status=SubscriptionStatus.TRIALING))
    tiers = (Tier.objects.filter(creator=creator)
             .annotate(members=Count("subscriptions", filter=live, distinct=True),
                       monthly_minor=Sum("price_minor", filter=live)).order_by("display_order", "price_minor"))
    tiers = list(tiers)
    for tier in tiers:
        tier.monthly_revenue = Money(tier.monthly_minor or 0, tier.currency)
    return {
        "status": chosen,
        "counts": {name: qs.count() for name, qs in groups.items()},
        "rows": list(groups[chosen].order_by("-current_period_end")[:500]),
        "tiers": tiers,
    }
