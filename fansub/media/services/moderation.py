"""Trust & Safety's writes on media items (called by moderation; media never imports moderation)."""

from django.db import transaction

from common.errors import NotFoundError
from fansub.media.models import MEDIA_TRANSITIONS, MediaItem, MediaState


def take_down(media_item_id: int) -> MediaItem:
    """Quarantine a ready item: never served again (previews included) until released."""
    with transaction.atomic():
        item = MediaItem.objects.select_for_update().filter(pk=media_item_id).first()
        if item is None:
            raise NotFoundError("No such media item.")
        if item.state != MediaState.QUARANTINED:
            MEDIA_TRANSITIONS.move(item, MediaState.QUARANTINED, field="state")
            item.save(update_fields=["state", "updated_at"])
    return item


def restore(media_item_id: int) -> MediaItem:
    with transaction.atomic():
        item = MediaItem.objects.select_for_update().get(pk=media_item_id)
        if item.state == MediaState.QUARANTINED:
            MEDIA_TRANSITIONS.move(item, MediaState.READY, field="state")
            item.save(update_fields=["state", "updated_at"])
    return item
