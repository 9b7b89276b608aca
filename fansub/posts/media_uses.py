"""Posts' side of the media pipeline: who may load the final of an item attached to posts."""

from typing import Any

from fansub.media.models import MediaItem, MediaUse, UseKind
from fansub.posts import entitlements
from fansub.posts.models import Post

# Adult posts stay "shown" to viewers without age assurance: the preview rules serve them the safe preview.
HIDDEN = frozenset({entitlements.Denial.REMOVED, entitlements.Denial.BLOCKED})


def post_shows(viewer: Any, item: MediaItem) -> bool:
    """A viewer shown a post carrying the item (even locked, with its preview) may know the item."""
    posts = _posts_with(item)
    return any(d.allowed or d.reason not in HIDDEN for d in entitlements.decide_many(viewer, posts).values())


def _posts_with(item: MediaItem) -> list[Post]:
    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.POST).values_list("object_id",
                                                                                                  flat=True)]
    return list(Post.objects.filter(pk__in=ids).select_related("creator__creator_profile")
                .prefetch_related("audience_tiers")) if ids else []


def post_grants(viewer: Any, item: MediaItem) -> bool:
    """A viewer entitled to any post that carries the item may see its final."""
    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.POST).values_list("object_id",
                                                                                                  flat=True)]
    if not ids:
        return False
    posts = list(Post.objects.filter(pk__in=ids).select_related("creator__creator_profile")
                 .prefetch_related("audience_tiers"))
    return any(d.allowed for d in entitlements.decide_many(viewer, posts).values())
