"""Taking a ready item down and putting it back, for moderation (a DMCA notice, then a counter-notice).

A taken-down item is quarantined: access refuses its finals, originals and previews to everyone but
staff (fansub.media.services.access), and its cached watermarked copies are dropped.
"""

from typing import Any

from django.db import transaction

from fansub.media.models import MEDIA_TRANSITIONS, MediaItem, MediaState
from fansub.media.services.deletion import drop_delivered_copies
from governance.services import audit


def take_down(item: MediaItem, *, reason: str, actor: Any = None) -> bool:
    """Quarantine a ready item (True); an item already quarantined stays so (False)."""
    with transaction.atomic():
        locked = MediaItem.objects.select_for_update().get(pk=item.pk)
        if locked.state == MediaState.QUARANTINED:
            return False
        MEDIA_TRANSITIONS.move(locked, MediaState.QUARANTINED, field="state")
        locked.save(update_fields=["state", "updated_at"])
        audit.record(actor=actor, action="media.taken_down", obj=locked, reason=reason)
        transaction.on_commit(lambda: drop_delivered_copies([locked.pk]))
    item.state = locked.state
    return True


def put_back(item: MediaItem, *, reason: str, actor: Any = None) -> bool:
    """Release a quarantined item back to ready (True); anything else is left as it is (False)."""
    with transaction.atomic():
        locked = MediaItem.objects.select_for_update().get(pk=item.pk)
        if locked.state != MediaState.QUARANTINED:
            return False
        MEDIA_TRANSITIONS.move(locked, MediaState.READY, field="state")
        locked.save(update_fields=["state", "updated_at"])
        audit.record(actor=actor, action="media.put_back", obj=locked, reason=reason)
    item.state = locked.state
    return True


def items_by_public_ids(public_ids: list[str]) -> list[MediaItem]:
    return list(MediaItem.objects.filter(public_id__in=public_ids).order_by("id"))
