"""What fansub tells payments through payments.hooks (payments never imports fansub)."""

from typing import Any

from payments import hooks


def content_category(creator: Any) -> str | None:
    profile = getattr(creator, "creator_profile", None)
    if profile is None:
        return None
    return "adult" if profile.is_adult else "general"


def payout_readiness_changed(creator: Any, ready: bool) -> None:
    from fansub.models import CreatorProfile

    CreatorProfile.objects.filter(user=creator).update(payout_ready=ready)


def register() -> None:
    hooks.register(hooks.CREATOR_CONTENT_CATEGORY, content_category)
    hooks.register(hooks.PAYOUT_READINESS_CHANGED, payout_readiness_changed)
