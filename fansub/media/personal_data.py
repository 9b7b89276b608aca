"""Personal data of the media pipeline (see governance.registry).

Media items belong to their creator; originals may show faces. Erasure deletes the rows, and
with them (fansub.media.signals) every rendition, raw upload and cached watermarked copy. A legal
hold, when governance has one, is checked by the erasure service before it calls these.
"""

from typing import Any

from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, MediaUse, Rendition, RenditionKind, UploadTicket
from fansub.media.services.deletion import delete_all_media_of
from governance import registry


def _export_items(user: Any) -> list[dict[str, Any]]:
    return [
        {"public_id": str(item.public_id), "kind": item.kind, "state": item.state, "original_name": item.original_name,
         "size_bytes": item.size_bytes, "sha256": item.sha256, "created_at": item.created_at.isoformat()}
        for item in MediaItem.objects.filter(creator=user).order_by("id")
    ]


def _export_files(user: Any) -> list[tuple[str, Any]]:
    """The person's uploads, as the stored original (metadata stripped at upload), read through storage."""
    files = []
    for r in Rendition.objects.filter(media_item__creator=user, kind=RenditionKind.ORIGINAL).select_related(
            "media_item").order_by("id"):
        suffix = r.storage_key.rsplit(".", 1)[-1] if "." in r.storage_key.rsplit("/", 1)[-1] else "bin"

        def read(key: str = r.storage_key) -> bytes:
            with storage.private_storage().open(key, "rb") as handle:
                return handle.read()
        files.append((f"{r.media_item.public_id}.{suffix}", read))
    return files


def _erase_items(user: Any) -> int:

    return delete_all_media_of(user)


registry.register(
    MediaItem, user_path="creator",
    fields=("public_id", "kind", "state", "original_name", "size_bytes", "sha256", "created_at"),
    erasure="delete", exporter=_export_items, eraser=_erase_items, files=_export_files,
)
registry.register(
    Rendition, user_path="media_item__creator", fields=("kind", "content_type", "size_bytes", "created_at"),
    erasure="delete",
)
registry.register(
    Delivery, user_path="viewer", fields=("media_item_id", "created_at", "last_served_at"),
    erasure="delete",
)
registry.register(
    UploadTicket, user_path="creator", fields=("public_id", "original_name", "created_at", "completed_at"),
    erasure="delete",
)
registry.declare_not_personal(MediaUse, "Links a media item to a post/message/request id; no personal field.")
