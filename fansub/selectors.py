"""Read queries for fansub. Every list of creators goes through the adult-content policy."""

from typing import Any

from django.db.models import QuerySet

from fansub.models import CreatorProfile
from fansub.policy import can_view_adult


def visible_creators(viewer: Any) -> QuerySet[CreatorProfile]:
    creators = CreatorProfile.objects.select_related("user").filter(user__is_active=True).order_by("display_name")
    if not can_view_adult(viewer):
        creators = creators.filter(is_adult=False)
    return creators


def creator_by_handle(viewer: Any, handle: str) -> CreatorProfile | None:
    return visible_creators(viewer).filter(user__handle__iexact=handle).first()
