"""Where fansub's posts, messages and custom requests meet the media pipeline.

- attaching media to a post, a message or a request delivery (ownership checked by the media app's
  ``attachable_media``, the link recorded as a ``MediaUse``);
- (each consumer app registers its own "who may see the final" checker with
  ``fansub.media.services.access`` when it is ready: see ``<app>/media_uses.py``);
- per-card media for pages and the API, computed for a whole page with a fixed number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from common.errors import MediaNotAttachable
from fansub.media.models import MediaItem, MediaUse, RenditionKind
from fansub.media.selectors import attachable_media, preview_url, signed_url, stream_url
from fansub.media.services import access, uses
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


def adult_ok_for(viewer: Any, attached: dict[int, list[MediaItem]]) -> bool:
    """Asked once per page (not per item): may the viewer see adult previews? Only queried when the page
    holds adult media."""
    if any(item.is_adult for items in attached.values() for item in items):
        return can_view_adult(viewer)
    return True


def media_dicts(viewer: Any, items: list[MediaItem], *, entitled: bool,
                adult_ok: bool | None = None) -> list[dict[str, Any]]:
    """Previews for anyone who may see the card; a signed final only when the viewer is entitled.
    Pass ``adult_ok`` (``adult_ok_for``) when building a whole page, so the age rule is asked once."""
    out = []
    for item in items:
        kinds = {r.kind for r in item.renditions.all()}
        if item.is_adult and adult_ok is None:
            adult_ok = can_view_adult(viewer)
        preview = RenditionKind.SAFE_PREVIEW if (item.is_adult and RenditionKind.SAFE_PREVIEW in kinds
                                                 and not adult_ok) else RenditionKind.PREVIEW
        final_ok = entitled and getattr(viewer, "is_authenticated", False)
        sizes = {r.kind: (r.width, r.height) for r in item.renditions.all()}
        width, height = sizes.get(RenditionKind.FINAL) or (item.width, item.height)
        # A marked stream replaces the MP4 for everyone but the owner: an MP4 would carry no per-viewer mark.
        streamed = final_ok and RenditionKind.STREAM in kinds
        mp4_ok = final_ok and RenditionKind.FINAL in kinds and (not streamed or access.is_owner(viewer, item))
        out.append({
            "id": str(item.public_id), "kind": item.kind,
            "thumbnail_url": preview_url(item, RenditionKind.THUMBNAIL) if RenditionKind.THUMBNAIL in kinds else None,
            "preview_url": preview_url(item, preview) if preview in kinds else None,
            "final_url": signed_url(viewer, item, RenditionKind.FINAL) if mp4_ok else None,
            "stream_url": stream_url(viewer, item) if streamed else None,
            # A video's poster frame is shown before the player loads (signed like the final).
            "poster_url": (signed_url(viewer, item, RenditionKind.POSTER)
                           if final_ok and RenditionKind.POSTER in kinds else None),
            "width": width, "height": height, "duration_ms": item.duration_ms,
        })
    return out
