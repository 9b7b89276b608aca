"""Event payload helpers: pseudonymous ids only, never names or file names."""

from fansub.media.models import MediaItem
from telemetry.pseudonyms import pseudonym


def media_ref(item: MediaItem) -> str:
    return pseudonym("media", item.pk)


def delivery_ref(delivery_id: int) -> str:
    return pseudonym("media_delivery", delivery_id)
