"""A deleted row takes its file with it, whichever path deleted it (service, admin, account cascade).

The file goes after the commit: a rolled-back delete keeps its file. A crash between commit and
delete leaves an orphan that ``manage.py media_orphans --delete`` removes.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from fansub.media.models import Delivery, MediaItem, Rendition, UploadTicket, VideoSegment
from fansub.media.storage import delete_quietly


def _delete_after_commit(key: str) -> None:
    if key:
        transaction.on_commit(lambda: delete_quietly(key))


@receiver(post_delete, sender=Rendition)
def _rendition_deleted(sender: Any, instance: Rendition, **kwargs: Any) -> None:
    _delete_after_commit(instance.storage_key)


@receiver(post_delete, sender=Delivery)
def _delivery_deleted(sender: Any, instance: Delivery, **kwargs: Any) -> None:
    _delete_after_commit(instance.cached_key)


@receiver(post_delete, sender=MediaItem)
def _item_deleted(sender: Any, instance: MediaItem, **kwargs: Any) -> None:
    _delete_after_commit(instance.upload_key)


@receiver(post_delete, sender=UploadTicket)
def _ticket_deleted(sender: Any, instance: UploadTicket, **kwargs: Any) -> None:
    if instance.completed_at is None:
        _delete_after_commit(instance.storage_key)


@receiver(post_delete, sender=VideoSegment)
def _segment_deleted(sender: Any, instance: VideoSegment, **kwargs: Any) -> None:
    _delete_after_commit(instance.storage_key)
