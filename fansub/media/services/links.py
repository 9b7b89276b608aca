"""Where fansub's posts, messages and custom requests meet the media pipeline.

- attaching media to a post, a message or a request delivery (ownership checked by the media app's
  ``attachable_media``, the link recorded as a ``MediaUse``);
- (each consumer app registers its own "who may see the final" checker with
  ``fansub.media.services.access`` when it is ready: see ``<app>/media_uses.py``);
- per-card media for pages and the API, computed for a whole page with a fixed number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from common.errors import MediaNotAttachable
from fansub.media.models import MediaItem, MediaUse, Rendition, RenditionKind
from fansub.media.selectors import PageUrls, attachable_media
from fansub.media.services import access, delivery, uses, watermarking
from fansub.verification.policy import can_view_adult


def attach(creator: Any, kind: str, object_id: int, public_ids: Iterable[str]) -> list[MediaItem]:
    public_ids = [str(p) for p in public_ids]
    if not public_ids:
        return []
    items = attachable_media(creator, public_ids)
    if len(items) != len(set(public_ids)):
        raise MediaNotAttachable("Attach ready items from your own vault.",
                               details={"media_ids": ["Unknown, not yours, or not processed yet."]})
    for item in items:
        uses.record_use(item, kind, str(object_id))
    return items


def replace(creator: Any, kind: str, object_id: int, public_ids: Iterable[str]) -> list[MediaItem]:
    MediaUse.objects.filter(kind=kind, object_id=str(object_id)).delete()
    return attach(creator, kind, object_id, public_ids)


def items_for(kind: str, object_ids: Sequence[int]) -> dict[int, list[MediaItem]]:
    """Attached items per object, in attachment order (two queries, whatever the page size)."""
    grouped: dict[int, list[MediaItem]] = defaultdict(list)
    if not object_ids:
        return grouped
    rows = (MediaUse.objects.filter(kind=kind, object_id__in=[str(i) for i in object_ids])
            .select_related("media_item").prefetch_related("media_item__renditions").order_by("created_at", "id"))
    for use in rows:
        grouped[int(use.object_id)].append(use.media_item)
    return grouped


@dataclass(frozen=True)
class CardItem:
    """What a card shows of an attached item, read as plain values: a page of posts holds hundreds of
    renditions, and building a model row for each cost more than the rest of the query work."""
    pk: int
    public_id: UUID
    creator_id: int
    kind: str
    is_adult: bool
    width: int | None
    height: int | None
    duration_ms: int | None
    sizes: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # rendition kind -> size


def card_items_for(kind: str, object_ids: Sequence[int]) -> dict[int, list[CardItem]]:
    """``items_for`` for pages: the same items in the same order, as ``CardItem`` values (two queries)."""
    grouped: dict[int, list[CardItem]] = defaultdict(list)
    if not object_ids:
        return grouped
    rows = (MediaUse.objects.filter(kind=kind, object_id__in=[str(i) for i in object_ids]).order_by("created_at", "id")
            .values_list("object_id", "media_item_id", "media_item__public_id", "media_item__creator_id",
                         "media_item__kind",
                         "media_item__is_adult", "media_item__width", "media_item__height",
                         "media_item__duration_ms"))
    by_id: dict[int, CardItem] = {}
    for object_id, pk, public_id, creator_id, item_kind, is_adult, width, height, duration_ms in rows:
        item = by_id.get(pk) or CardItem(pk, public_id, creator_id, item_kind, is_adult, width, height, duration_ms)
        by_id[pk] = item
        grouped[int(object_id)].append(item)
    for item_id, rendition, width, height in (Rendition.objects.filter(media_item_id__in=list(by_id))
                                              .values_list("media_item_id", "kind", "width", "height")):
        by_id[item_id].sizes[rendition] = (width, height)
    return grouped


def _sizes(item: MediaItem | CardItem) -> dict[str, tuple[int | None, int | None]]:
    if isinstance(item, CardItem):
        return item.sizes
    return {r.kind: (r.width, r.height) for r in item.renditions.all()}


def adult_ok_for(viewer: Any, attached: dict[int, list[MediaItem]] | dict[int, list[CardItem]]) -> bool:
    """Asked once per page (not per item): may the viewer see adult previews? Only queried when the page
    holds adult media."""
    if any(item.is_adult for items in attached.values() for item in items):
        return can_view_adult(viewer)
    return True


def media_dicts(viewer: Any, items: Sequence[MediaItem | CardItem], *, entitled: bool,
                adult_ok: bool | None = None, urls: PageUrls | None = None) -> list[dict[str, Any]]:
    """Previews for anyone who may see the card; a signed final only when the viewer is entitled.
    Pass ``adult_ok`` (``adult_ok_for``) and one ``PageUrls`` when building a whole page, so the age rule is
    asked and the URL patterns reversed once per page."""
    out: list[dict[str, Any]] = []
    if not items:
        return out
    urls = urls or PageUrls()
    final_ok = entitled and getattr(viewer, "is_authenticated", False)
    for item in items:
        sizes = _sizes(item)
        if item.is_adult and adult_ok is None:
            adult_ok = can_view_adult(viewer)
        preview = RenditionKind.SAFE_PREVIEW if (item.is_adult and RenditionKind.SAFE_PREVIEW in sizes
                                                 and not adult_ok) else RenditionKind.PREVIEW
        width, height = sizes.get(RenditionKind.FINAL) or (item.width, item.height)
        # A marked stream replaces the MP4 for everyone but the owner: an MP4 would carry no per-viewer mark.
        streamed = final_ok and RenditionKind.STREAM in sizes
        mp4_ok = final_ok and RenditionKind.FINAL in sizes and (not streamed or access.is_owner(viewer, item))
        final_url = urls.signed(viewer, item, RenditionKind.FINAL) if mp4_ok else None
        out.append({
            "id": str(item.public_id), "kind": item.kind,
            "thumbnail_url": urls.preview(item, RenditionKind.THUMBNAIL) if RenditionKind.THUMBNAIL in sizes else None,
            "preview_url": urls.preview(item, preview) if preview in sizes else None,
            "final_url": final_url,
            "final_srcset": _srcset(final_url, width, height) if final_url and item.kind == "image" else "",
            "stream_url": urls.stream(viewer, item) if streamed else None,
            # A video's poster frame is shown before the player loads (signed like the final).
            "poster_url": (urls.signed(viewer, item, RenditionKind.POSTER)
                           if final_ok and RenditionKind.POSTER in sizes else None),
            "width": width, "height": height, "duration_ms": item.duration_ms,
        })
    return out


def _srcset(url: str, width: int | None, height: int | None) -> str:
    """``srcset`` over the display sizes an image final is served at (delivery.display_sides); the plain
    URL is the largest. Widths are the served images' widths, for the browser to choose by."""
    if not width or not height:
        return ""
    sides = delivery.display_sides()

    def served_width(side: int) -> int:
        return watermarking.served_size(width, height, side)[0][0]

    entries = [f"{url}?size={side} {served_width(side)}w" for side in sides[:-1] if side < max(width, height)]
    return ", ".join([*entries, f"{url} {served_width(sides[-1])}w"]) if entries else ""
