"""Recording where media is used. Posts, messages and custom requests call these when they attach
or detach media (they check ownership through selectors.attachable_media first)."""

from django.db import transaction

from fansub.media.models import MediaItem, MediaUse


def record_use(item: MediaItem, kind: str, object_id: str) -> MediaUse:
    with transaction.atomic():
        use, _ = MediaUse.objects.get_or_create(media_item=item, kind=kind, object_id=str(object_id))
    return use


def release_use(item: MediaItem, kind: str, object_id: str) -> int:
    with transaction.atomic():
        return MediaUse.objects.filter(media_item=item, kind=kind, object_id=str(object_id)).delete()[0]
