"""Messaging's side of the media pipeline: who may load the final of an item sent in a message."""

from typing import Any

from fansub.media.models import MediaItem, MediaUse, UseKind
from fansub.messaging.models import Message
from fansub.purchases.services.ppv import message_locked_for


def message_grants(viewer: Any, item: MediaItem) -> bool:
    """The fan of a thread whose (unlocked, not unsent) message carries the item."""
    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.MESSAGE).values_list("object_id",
                                                                                                     flat=True)]
    return any(not message_locked_for(viewer, message)
               for message in Message.objects.filter(pk__in=ids, thread__fan=viewer, unsent_at__isnull=True))


def message_shows(viewer: Any, item: MediaItem) -> bool:
    """The fan of a thread with a (not unsent) message carrying the item sees it (locked: its preview)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.MESSAGE).values_list("object_id",
                                                                                                     flat=True)]
    return bool(ids) and Message.objects.filter(pk__in=ids, thread__fan=viewer, unsent_at__isnull=True).exists()
