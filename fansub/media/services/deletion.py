"""Deleting media: one item, everything of an account, and the sweep of orphaned files.

Row deletes take their files with them after the commit (fansub.media.signals); the sweep is the
safety net for a crash between a commit and a file delete, or a file written by a failed attempt.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from common.errors import MediaBought, PermissionDeniedError
from fansub.accounts.models import User
from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, MediaUse, Rendition, UploadTicket, VideoSegment
from fansub.media.services import access, screening
from fansub.media.services.events import media_ref
from fansub.purchases.models import PostPurchaseItem
from governance.services import audit
from telemetry.events import emit

logger = logging.getLogger("fansub.media")


def delete_media_item(actor: User, item: MediaItem, *, reason: str = "") -> None:
    """The owner or staff deletes an item: rows, renditions, raw upload and cached watermarks. The owner may not
    delete an item fans bought with a post (MEDIA_BOUGHT); staff may (moderation)."""
    owner = access.is_owner(actor, item)
    if not owner and not access.is_staff(actor):
        raise PermissionDeniedError("Only the owner or staff may delete this media.")
    with transaction.atomic():
        locked = MediaItem.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None:
            return
        if screening.is_held(locked):  # preserved under a legal duty: kept, and the owner is not told why
            audit.record(actor=actor, action="media.delete_held", obj=locked, reason=reason)
            return
        if owner and PostPurchaseItem.objects.filter(media_item=locked, purchase__revoked_at__isnull=True).exists():
            raise MediaBought()  # bought PPV stays in the buyers' library, whatever the creator deletes
        if not owner:
            audit.record(actor=actor, action="media.deleted", obj=locked, reason=reason)
        emit("media.deleted", {"media_id": media_ref(locked), "kind": locked.kind,
                               "cause": "owner" if owner else "staff"}, actor=actor)
        locked.delete()


def delete_all_media_of(user: Any) -> int:
    """Erasure of an account's media: its items (as creator), its deliveries (as viewer), its tickets."""
    count = 0
    with transaction.atomic():
        for item in MediaItem.objects.filter(creator=user).select_for_update():
            if screening.is_held(item):
                continue
            emit("media.deleted", {"media_id": media_ref(item), "kind": item.kind, "cause": "erasure"}, actor=None)
            item.delete()
            count += 1
        count += Delivery.objects.filter(viewer=user).delete()[0]
        count += UploadTicket.objects.filter(creator=user).delete()[0]
    return count


def drop_delivered_copies(item_ids: list[int]) -> int:
    """Remove the cached per-viewer watermarked copies of these items from storage (their post went away).
    Delivery rows stay: their ids are the forensic marks; an entitled buyer gets a fresh copy on demand."""
    dropped = 0
    cached = Delivery.objects.filter(media_item_id__in=item_ids).exclude(cached_key="")
    for pk, key in list(cached.values_list("pk", "cached_key")):
        with transaction.atomic():
            if Delivery.objects.filter(pk=pk, cached_key=key).update(cached_key="", cached_size=0):
                transaction.on_commit(lambda key=key: storage.delete_quietly(key))
                dropped += 1
    return dropped


def sweep_orphans() -> int:
    """Beat: delete the orphaned files older than MEDIA_ORPHAN_GRACE_SECONDS (what ``media_orphans --delete``
    does by hand)."""
    removed = delete_orphans(find_orphans())
    if removed:
        logger.info("media orphan sweep removed=%s", removed)
    return removed


def known_keys() -> set[str]:
    keys = set(Rendition.objects.values_list("storage_key", flat=True))
    keys |= set(VideoSegment.objects.values_list("storage_key", flat=True))
    keys |= set(Delivery.objects.exclude(cached_key="").values_list("cached_key", flat=True))
    keys |= set(MediaItem.objects.exclude(upload_key="").values_list("upload_key", flat=True))
    keys |= set(UploadTicket.objects.filter(completed_at__isnull=True, expires_at__gt=timezone.now())
                .values_list("storage_key", flat=True))
    return keys


def find_orphans(*, grace_seconds: int | None = None) -> list[str]:
    """Files under media/ and incoming/ that no row names and that are older than the grace period
    (a younger file may belong to an upload or a processing attempt still running)."""
    grace = settings.MEDIA_ORPHAN_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = timezone.now() - timedelta(seconds=grace)
    known = known_keys()
    store = storage.private_storage()
    orphans = []
    for prefix in (storage.MEDIA_PREFIX, storage.INCOMING_PREFIX):
        for key in storage.walk(prefix):
            if key in known:
                continue
            if grace and store.get_modified_time(key) > cutoff:
                continue
            orphans.append(key)
    return sorted(orphans)


def delete_orphans(keys: list[str]) -> int:
    known = known_keys()  # re-read: a key may have been claimed since it was listed
    deleted = 0
    for key in keys:
        if key not in known:
            storage.delete_quietly(key)
            deleted += 1
    return deleted


def with_uses(kind: str, rows: QuerySet) -> QuerySet:
    """Only the rows (messages, requests) that have media attached: most expired ones carry none."""
    return rows.filter(Exists(MediaUse.objects.filter(kind=kind, object_id=Cast(OuterRef("pk"), CharField()))))


def retire_uses(kind: str, viewer_of: dict[int, int]) -> int:
    """Retention of delivered media: unlink these objects' attachments (``viewer_of`` maps each message or
    request to the person it was delivered to) and delete that person's watermarked copies from storage
    unless something else still entitles them. The creator's own item stays in their vault; items preserved
    under a legal duty (screening holds) are left linked. Returns how many attachments were retired."""
    retired = 0
    for object_id, viewer_id in viewer_of.items():
        with transaction.atomic():
            links = list(MediaUse.objects.select_for_update().select_related("media_item")
                         .filter(kind=kind, object_id=str(object_id)))
            items = [link.media_item for link in links if not screening.is_held(link.media_item)]
            if not items:
                continue
            MediaUse.objects.filter(kind=kind, object_id=str(object_id), media_item__in=items).delete()
            viewer = User.objects.filter(pk=viewer_id).first()
            gone = [item.pk for item in items if viewer is None or not access.can_view_final(viewer, item)]
            copies = Delivery.objects.filter(viewer_id=viewer_id, media_item_id__in=gone).exclude(cached_key="")
            for pk, key in list(copies.values_list("pk", "cached_key")):
                # The row stays (its id is the forensic mark in any copy already out there); the file goes.
                Delivery.objects.filter(pk=pk).update(cached_key="", cached_size=0)
                transaction.on_commit(lambda key=key: storage.delete_quietly(key))
            retired += len(items)
    return retired
