"""Handing finals and originals to viewers: entitlement, Delivery rows, per-buyer watermarks, cache.

A Delivery is one final delivered to one viewer; its pk is the forensic delivery id embedded
in every copy that viewer receives. Image finals are served at display sizes (longest side
WATERMARK_DISPLAY_SIZES, the largest by default) and full size only on ``size=full``. The
watermarked copy is rendered on first delivery and cached in private storage, one per delivery at
the size last asked for; the cache is bounded (least recently served copies are dropped).
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common.errors import MediaNotReady, NotEntitled, ValidationFailed
from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, MediaKind, Rendition, RenditionKind
from fansub.media.services import access, watermarking
from fansub.media.services.events import delivery_ref, media_ref
from fansub.studio.models import StudioSettings
from governance.services import audit
from telemetry.events import emit

logger = logging.getLogger("fansub.media")


@dataclass(frozen=True)
class DeliveredFile:
    key: str
    content_type: str
    filename: str
    size: int
    delivery_id: int | None


def _rendition(item: MediaItem, kind: str) -> Rendition:
    rendition = next((r for r in item.renditions.all() if r.kind == kind), None)
    if rendition is None:
        raise MediaNotReady(details={"rendition": kind})
    return rendition


FULL = "full"


def display_sides() -> tuple[int, ...]:
    """The longest sides pages ask for (srcset), smallest first; the full final only on ``size=full``."""
    return tuple(sorted(int(side) for side in settings.WATERMARK_DISPLAY_SIZES))


def served_side(final: Rendition, size: str | None) -> int | None:
    """The longest side to serve for a requested ``size`` (None: the final's own size).

    No size: the largest display size (what a page's plain ``src`` loads). A size at or above the
    final's own longest side is the full final (one cached copy, not two identical ones)."""
    if size in (None, ""):
        side = display_sides()[-1]
    elif size == FULL:
        return None
    elif size.isascii() and size.isdecimal() and int(size) in display_sides():
        side = int(size)
    else:
        raise ValidationFailed("Unknown image size.", details={
            "size": f"One of {', '.join(str(s) for s in display_sides())} or {FULL}."})
    return side if side < max(final.width, final.height) else None


def deliver(viewer: Any, item: MediaItem, kind: str, size: str | None = None) -> DeliveredFile:
    """The file a viewer receives for a final, original or poster, after the entitlement check.
    ``size`` picks a display size of an image final (see served_side); other renditions ignore it."""
    if kind not in access.SIGNED_KINDS or not access.can_view_signed(viewer, item, kind):
        raise NotEntitled()
    rendition = _rendition(item, kind)
    if (kind == RenditionKind.FINAL and item.kind == MediaKind.VIDEO and not access.is_owner(viewer, item)
            and not access.is_staff(viewer) and any(r.kind == RenditionKind.STREAM for r in item.renditions.all())):
        # Viewers get the A/B-marked stream (services.streaming): the plain MP4 would carry no mark.
        raise NotEntitled(details={"reason": "stream_only"})
    filename = f"{item.public_id}-{kind}.{rendition.storage_key.rsplit('.', 1)[-1]}"
    marked = kind == RenditionKind.POSTER or (kind == RenditionKind.FINAL and item.kind == MediaKind.IMAGE)
    if marked and not access.is_owner(viewer, item):
        side = served_side(rendition, size) if kind == RenditionKind.FINAL else None
        return _deliver_watermarked(viewer, item, rendition, filename, side)
    # The owner's own copy, originals (owner/staff) and video finals: no per-viewer render.
    with transaction.atomic():
        delivery = None
        if kind == RenditionKind.FINAL and not access.is_owner(viewer, item):
            delivery, created = Delivery.objects.get_or_create(viewer=viewer, rendition=rendition,
                                                               defaults={"media_item": item})
            Delivery.objects.filter(pk=delivery.pk).update(last_served_at=timezone.now())
        _record(viewer, item, kind, delivery, first=bool(delivery and created), engine="none")
    return DeliveredFile(rendition.storage_key, rendition.content_type, filename, rendition.size_bytes,
                         delivery.pk if delivery else None)


def _size_label(side: int | None) -> str:
    return FULL if side is None else str(side)


def _cached_label(key: str) -> str:
    """The size a cached copy was rendered at: the last part of its name (``…-2048.jpg``)."""
    return key.rsplit("-", 1)[-1].split(".", 1)[0] if key else ""


def _deliver_watermarked(viewer: Any, item: MediaItem, final: Rendition, filename: str,
                         side: int | None = None) -> DeliveredFile:
    """The rendition (an image final, a poster or a clear thumbnail) marked for this viewer, at ``side``
    (an image final's display size; None: the rendition's own size)."""
    try:
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(viewer=viewer, rendition=final,
                                                               defaults={"media_item": item})
    except IntegrityError:  # a concurrent first delivery won the race
        delivery, created = Delivery.objects.get(viewer=viewer, rendition=final), False
    # One cached copy per delivery, at the size last asked for: a viewer's device keeps asking for the
    # same srcset entry, and a copy at another size is a ~20-40 ms render away.
    if (not delivery.cached_key or _cached_label(delivery.cached_key) != _size_label(side)
            or not storage.private_storage().exists(delivery.cached_key)):
        delivery = _render(delivery, final, viewer, side)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(last_served_at=timezone.now())
        _record(viewer, item, final.kind, delivery, first=created, engine=delivery.watermark_engine)
    name = filename.rsplit(".", 1)[0] + ".jpg"
    return DeliveredFile(delivery.cached_key, "image/jpeg", name, delivery.cached_size, delivery.pk)


def _render(delivery: Delivery, final: Rendition, viewer: Any, side: int | None) -> Delivery:
    # The creator's studio choice; thumbnails and posters carry the small corner handle whatever it is.
    style = "corner"
    if final.kind == RenditionKind.FINAL:
        style = StudioSettings.watermark_style_for(final.media_item.creator_id)
    data = watermarking.render_final(final, handle=viewer.handle, delivery_id=delivery.pk, style=style, side=side)
    engine = watermarking.ENGINE
    prefix = storage.item_prefix(final.media_item.creator_id, final.media_item.public_id)
    key = f"{prefix}/delivered/{delivery.pk}-{uuid.uuid4().hex[:12]}-{_size_label(side)}.jpg"
    storage.save_bytes(key, data)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if locked is None:
            transaction.on_commit(lambda: storage.delete_quietly(key))
            raise NotEntitled()
        stale = locked.cached_key
        locked.cached_key, locked.cached_size, locked.watermark_engine = key, len(data), engine
        locked.save(update_fields=["cached_key", "cached_size", "watermark_engine"])
        if stale and stale != key:
            transaction.on_commit(lambda: storage.delete_quietly(stale))
        transaction.on_commit(_trim_if_over)
    return locked


def _record(viewer: Any, item: MediaItem, kind: str, delivery: Delivery | None, *, first: bool, engine: str) -> None:
    if access.is_staff(viewer) and not access.is_owner(viewer, item):
        audit.record(actor=viewer, action=f"media.staff_viewed_{kind}", obj=item)
    emit("media.delivered", {"media_id": media_ref(item),
                             "delivery_id": delivery_ref(delivery.pk) if delivery else None,
                             "rendition": kind, "first_delivery": first, "watermark": engine or "none"},
         actor=viewer)


def _trim_if_over() -> None:
    limit = settings.MEDIA_WATERMARK_CACHE_MAX_ITEMS
    if Delivery.objects.exclude(cached_key="").count() > limit:
        trim_watermark_cache()


def trim_watermark_cache(limit: int | None = None) -> int:
    """Drop the least recently served watermarked copies beyond the limit. Returns how many went."""
    limit = settings.MEDIA_WATERMARK_CACHE_MAX_ITEMS if limit is None else limit
    cached = Delivery.objects.exclude(cached_key="").order_by(F("last_served_at").desc(nulls_last=True), "-id")
    victims = list(cached.values_list("pk", "cached_key")[limit:])
    for pk, key in victims:
        with transaction.atomic():
            if Delivery.objects.filter(pk=pk, cached_key=key).update(cached_key="", cached_size=0):
                transaction.on_commit(lambda key=key: storage.delete_quietly(key))
    return len(victims)


def preview_file(viewer: Any, item: MediaItem, requested: str) -> DeliveredFile:
    """A preview-class rendition (thumbnail, preview, safe preview) as this viewer may see it."""
    served = access.preview_kind_for(viewer, item, requested)
    if served is None:
        raise NotEntitled()
    rendition = _rendition(item, served)
    ext = rendition.storage_key.rsplit(".", 1)[-1]
    if served == RenditionKind.THUMBNAIL and viewer.is_authenticated and not access.is_owner(viewer, item):
        # The clear thumbnail is a small copy of the final: it carries the viewer's forensic mark too.
        return _deliver_watermarked(viewer, item, rendition, f"{item.public_id}-{served}.{ext}")
    return DeliveredFile(rendition.storage_key, rendition.content_type, f"{item.public_id}-{served}.{ext}",
                         rendition.size_bytes, None)
