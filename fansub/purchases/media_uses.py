"""Purchases' side of the media pipeline: a buyer keeps the final of every item a post purchase bought, even
after the creator detached it from the post (edits, deletions and blocks do not take it back; a refund or a
moderation removal does)."""

from typing import Any

from fansub.media.models import MediaItem
from fansub.posts import entitlements
from fansub.purchases.models import PostPurchaseItem


def purchase_grants(viewer: Any, item: MediaItem) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    rows = (PostPurchaseItem.objects.filter(media_item=item, purchase__fan=viewer, purchase__revoked_at__isnull=True)
            .select_related("purchase__post"))
    return any(entitlements.buyer_keeps(row.purchase.post) for row in rows)
