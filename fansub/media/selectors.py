"""Read queries for media. Every read that returns items to a viewer goes through access rules."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse

from fansub.accounts.models import User
from fansub.media.models import Delivery, MediaItem, MediaState, MediaUse, Rendition, RenditionKind
from fansub.media.services import access, signing


def vault(creator: User, *, kind: str | None = None, use: str | None = None,
          state: str | None = None) -> QuerySet[MediaItem]:
    """A creator's own library, newest first. ``use`` is post/message/request, or "unused"."""
    items = (MediaItem.objects.filter(creator=creator)
             .prefetch_related(Prefetch("renditions", queryset=Rendition.objects.only(
                 "id", "media_item_id", "kind", "content_type", "width", "height", "size_bytes", "storage_key")))
             .order_by("-created_at", "-id"))
    if kind:
        items = items.filter(kind=kind)
    if state:
        items = items.filter(state=state)
    if use == "unused":
        items = items.filter(~Exists(MediaUse.objects.filter(media_item=OuterRef("pk"))))
    elif use:
        items = items.filter(Exists(MediaUse.objects.filter(media_item=OuterRef("pk"), kind=use)))
    return items


def owned_item(creator: Any, public_id: UUID | str) -> MediaItem | None:
    return vault(creator).filter(public_id=public_id).first()


def attachable_media(creator: Any, public_ids: list[UUID | str]) -> list[MediaItem]:
    """For posts/messages/requests: the creator's own ready items among ``public_ids``, in that order."""
    found = {str(i.public_id): i for i in vault(creator, state=MediaState.READY).filter(public_id__in=public_ids)}
    return [found[str(pid)] for pid in public_ids if str(pid) in found]


def item_for_viewer(viewer: User | AnonymousUser, public_id: UUID | str) -> MediaItem | None:
    """An item the viewer may at least know about: own or staff in any state; others only when ready and
    attached to something they are shown (``access.can_know``)."""
    item = MediaItem.objects.prefetch_related("renditions").filter(public_id=public_id).first()
    if item is None:
        return None
    return item if access.can_know(viewer, item) else None


def preview_url(item: MediaItem, kind: str) -> str:
    return reverse("media-preview", kwargs={"public_id": item.public_id, "kind": kind})


def signed_url(viewer: User | AnonymousUser, item: MediaItem, kind: str) -> str:
    return reverse("media-signed", kwargs={"token": signing.sign(viewer.pk, item.pk, kind)})


_SAMPLE_ID = UUID(int=0)
_SAMPLE = "sample"


class PageUrls:
    """``preview_url`` and ``signed_url`` for a whole page: the URL patterns are reversed once here (under the
    request's script prefix and URLconf), then each item's URL is formatted, not reversed again — the same
    strings, without a resolver walk per item. Signing still happens per URL: this adds no access rule, so the
    caller decides who gets a signed URL exactly as with ``signed_url``."""

    def __init__(self) -> None:
        self._preview = reverse("media-preview", kwargs={"public_id": _SAMPLE_ID, "kind": _SAMPLE}).split(
            f"{_SAMPLE_ID}/{_SAMPLE}")
        self._signed = reverse("media-signed", kwargs={"token": _SAMPLE}).split(_SAMPLE)
        self._stream = reverse("media-stream", kwargs={"token": _SAMPLE}).split(_SAMPLE)

    def preview(self, item: Any, kind: str) -> str:  # a MediaItem or anything with its public_id
        head, tail = self._preview
        return f"{head}{item.public_id}/{kind}{tail}"

    def signed(self, viewer: User | AnonymousUser, item: Any, kind: str) -> str:  # a MediaItem or its pk
        head, tail = self._signed
        return f"{head}{signing.sign(viewer.pk, item.pk, kind)}{tail}"

    def stream(self, viewer: User | AnonymousUser, item: Any) -> str:  # what ``stream_url`` gives
        head, tail = self._stream
        return f"{head}{signing.sign(viewer.pk, item.pk, RenditionKind.STREAM)}{tail}"


def stream_url(viewer: User | AnonymousUser, item: MediaItem) -> str:
    """The viewer's HLS playlist (A/B-marked segments spelling their code); signed like finals."""
    return reverse("media-stream", kwargs={"token": signing.sign(viewer.pk, item.pk, RenditionKind.STREAM)})


def rendition_urls(viewer: User | AnonymousUser, item: MediaItem) -> dict[str, str | None]:
    """What this viewer may load for each rendition kind (None: not for them). Signs after the access check."""
    present = {r.kind for r in item.renditions.all()}
    urls: dict[str, str | None] = {}
    for kind in RenditionKind.values:
        if kind not in present:
            continue
        if kind in access.PREVIEW_KINDS:
            served = access.preview_kind_for(viewer, item, kind)
            urls[kind] = preview_url(item, kind) if served else None
        elif kind == RenditionKind.STREAM:
            urls[kind] = stream_url(viewer, item) if access.can_view_final(viewer, item) else None
        else:
            urls[kind] = signed_url(viewer, item, kind) if access.can_view_signed(viewer, item, kind) else None
    return urls


def item_by_public_id(public_id: str) -> MediaItem | None:
    """Look-up only: callers (delete, detail) check ownership and entitlement through services."""
    try:
        return MediaItem.objects.filter(public_id=public_id).first()
    except (ValueError, ValidationError):  # not a UUID
        return None


def item_with_renditions(media_item_id: int) -> MediaItem | None:
    return MediaItem.objects.prefetch_related("renditions").filter(pk=media_item_id).first()


def delivery_ids(*, media_item: MediaItem | None = None, creator_id: int | None = None) -> list[int]:
    """Forensic candidates: the ids of every delivery of one item, or of all of one creator's items."""
    deliveries = Delivery.objects.all()
    if media_item is not None:
        deliveries = deliveries.filter(media_item=media_item)
    if creator_id is not None:
        deliveries = deliveries.filter(media_item__creator_id=creator_id)
    return list(deliveries.values_list("pk", flat=True))
