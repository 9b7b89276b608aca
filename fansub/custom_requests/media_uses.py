"""Custom requests' side of the media pipeline: who may load the final of a delivered item."""

from typing import Any

from fansub.custom_requests.models import CustomRequest
from fansub.media.models import MediaItem, MediaUse, UseKind


def request_grants(viewer: Any, item: MediaItem) -> bool:
    """The fan a custom request delivered the item to."""
    ids = [int(i) for i in MediaUse.objects.filter(media_item=item, kind=UseKind.REQUEST).values_list("object_id",
                                                                                                     flat=True)]
    return CustomRequest.objects.filter(pk__in=ids, fan=viewer, delivered_at__isnull=False).exists()
