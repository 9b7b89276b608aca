"""Reads of a creator's offers (tiers with their bundles)."""

from django.db.models import QuerySet

from fansub.accounts.models import User
from fansub.offers.models import Tier, TrialLink


def tiers_on_sale(creator: User | int) -> QuerySet[Tier]:
    """The tiers a fan can buy now, with their bundles (two queries)."""
    return Tier.objects.filter(creator=creator, is_archived=False).prefetch_related("bundles")


def all_tiers(creator: User) -> QuerySet[Tier]:
    """Every tier of the creator, archived ones included (the creator's own studio)."""
    return Tier.objects.filter(creator=creator).prefetch_related("bundles")


def tier_on_sale(handle: str, tier_id: int) -> Tier | None:
    return (Tier.objects.select_related("creator__creator_profile")
            .filter(pk=tier_id, creator__handle__iexact=handle, is_archived=False).first())


def trial_link(code: str) -> TrialLink | None:
    """A trial link by its code, with its tier and creator (the public trial page; claiming re-checks it)."""
    return (TrialLink.objects.select_related("tier", "creator__creator_profile")
            .filter(code=code, creator__is_active=True).first())
