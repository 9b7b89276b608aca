"""Where fansub's posts, messages and custom requests meet the media pipeline.

- attaching media to a post, a message or a request delivery (ownership checked by the media app's
  ``attachable_media``, the link recorded as a ``MediaUse``);
- the final-rendition checkers registered with ``fansub.media.services.access``: a viewer may load a
  final when they are entitled to a post that carries it, are the fan of a thread whose (unlocked)
  message carries it, or are the fan a custom request delivered it to;
- per-card media for pages and the API, computed for a whole page with a fixed number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from common.errors import ValidationFailed
from fansub.media.models import MediaItem, MediaUse, RenditionKind, UseKind
from fansub.media.selectors import attachable_media, preview_url, signed_url
from fansub.media.services import access, uses
from fansub.policy import can_view_adult


def attach(creator: Any, kind: str, object_id: int, public_ids: Iterable[str]) -> list[MediaItem]:
    public_ids = [str(p) for p in public_ids]
    if not public_ids:
        return []
    items = attachable_media(creator, public_ids)
    if len(items) != len(set(public_ids)):
        raise ValidationFailed("Attach ready items from your own vault.", code="MEDIA_NOT_ATTACHABLE",
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


def media_dicts(viewer: Any, items: list[MediaItem], *, entitled: bool) -> list[dict[str, Any]]:
    """Previews for anyone who may see the card; a signed final only when the viewer is entitled."""
    out = []
    for item in items:
        kinds = {r.kind for r in item.renditions.all()}
        preview = RenditionKind.SAFE_PREVIEW if (item.is_adult and RenditionKind.SAFE_PREVIEW in kinds
                                                 and not can_view_adult(viewer)) else RenditionKind.PREVIEW
        out.append({
            "id": str(item.public_id), "kind": item.kind,
            "thumbnail_url": preview_url(item, RenditionKind.THUMBNAIL) if RenditionKind.THUMBNAIL in kinds else None,
            "preview_url": preview_url(item, preview) if preview in kinds else None,
            "final_url": (signed_url(viewer, item, RenditionKind.FINAL)
                          if entitled and getattr(viewer, "is_authenticated", False)
                          and RenditionKind.FINAL in kinds else None),
        })
    return out


# --- final-rendition checkers --------------------------------------------------------------
def _post_grants(viewer: Any, item: MediaItem) -> bool:
    from fansub import entitlements
    from fansub.models import Post

    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.POST).values_list("object_id",
                                                                                                  flat=True)]
    if not ids:
        return False
    posts = list(Post.objects.filter(pk__in=ids).select_related("creator__creator_profile")
                 .prefetch_related("audience_tiers"))
    return any(d.allowed for d in entitlements.decide_many(viewer, posts).values())


def _message_grants(viewer: Any, item: MediaItem) -> bool:
    from fansub.models import Message
    from fansub.services.ppv import message_locked_for

    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.MESSAGE).values_list("object_id",
                                                                                                     flat=True)]
    for message in Message.objects.filter(pk__in=ids, thread__fan=viewer, unsent_at__isnull=True):
        if not message_locked_for(viewer, message):
            return True
    return False


def _request_grants(viewer: Any, item: MediaItem) -> bool:
    from fansub.models import CustomRequest

    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.REQUEST).values_list("object_id",
                                                                                                     flat=True)]
    return CustomRequest.objects.filter(pk__in=ids, fan=viewer, delivered_at__isnull=False).exists()


def register() -> None:
    from fansub.services import performers, posts

    if performers.check_performers not in posts.PUBLISH_CHECKS:
        posts.PUBLISH_CHECKS.append(performers.check_performers)
    for checker in (_post_grants, _message_grants, _request_grants):
        access.register_final_checker(checker)

    from fansub.services import custom_requests

    def attach_delivery(req: Any, media_ids: list) -> None:
        attach(req.creator, UseKind.REQUEST, req.pk, media_ids)

    if not any(getattr(a, "__name__", "") == "attach_delivery" for a in custom_requests.DELIVERY_ATTACHERS):
        custom_requests.DELIVERY_ATTACHERS.append(attach_delivery)
