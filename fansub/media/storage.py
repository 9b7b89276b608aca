"""The private storage and its keys. Nothing here is ever public: reads go through signed URLs."""

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages

logger = logging.getLogger("fansub.media")

MEDIA_PREFIX = "media"
INCOMING_PREFIX = "incoming"


def private_storage() -> Storage:
    return storages["private"]


def is_s3(storage: Storage | None = None) -> bool:
    storage = storage or private_storage()
    return storage.__class__.__module__.startswith("storages.backends.s3")


def item_prefix(creator_id: int, public_id: Any) -> str:
    return f"{MEDIA_PREFIX}/{creator_id}/{public_id}"


def save_bytes(key: str, data: bytes) -> str:
    """Write exactly ``key`` (never renamed: keys are unique by construction)."""
    storage = private_storage()
    saved = storage.save(key, ContentFile(data))
    if saved != key:  # pragma: no cover - a collision means a bug in key construction
        storage.delete(saved)
        raise RuntimeError("storage key collision")
    return saved


def save_file(key: str, handle: IO[bytes]) -> str:
    storage = private_storage()
    handle.seek(0)
    saved = storage.save(key, File(handle))
    if saved != key:  # pragma: no cover
        storage.delete(saved)
        raise RuntimeError("storage key collision")
    return saved


def read_bytes(key: str) -> bytes:
    with private_storage().open(key, "rb") as handle:
        return handle.read()


@contextlib.contextmanager
def local_copy(key: str, suffix: str = "") -> Iterator[Path]:
    """A local path for ``key``: the file itself on disk storage, a temporary download on S3."""
    storage = private_storage()
    if not is_s3(storage):
        yield Path(storage.path(key))
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with storage.open(key, "rb") as source:
            while chunk := source.read(1024 * 1024):
                tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def delete_quietly(key: str) -> None:
    """Delete a file; a missing file is fine, any other failure is logged for the orphan sweep."""
    if not key:
        return
    try:
        private_storage().delete(key)
    except Exception:
        logger.exception("media storage delete failed; media_orphans will retry")


def walk(prefix: str) -> Iterator[str]:
    """Every file key under ``prefix`` (recursive, works on disk and S3)."""
    storage = private_storage()
    try:
        dirs, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{prefix}/{name}"
    for name in dirs:
        yield from walk(f"{prefix}/{name}")


def local_path(key: str) -> Path | None:
    storage = private_storage()
    return None if is_s3(storage) else Path(storage.path(key))


def s3_client_and_bucket() -> tuple[Any, str]:
    storage = private_storage()
    return storage.connection.meta.client, storage.bucket_name


def presigned_get(key: str, *, filename: str, content_type: str) -> str:
    client, bucket = s3_client_and_bucket()
    return client.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key, "ResponseContentType": content_type,
                "ResponseContentDisposition": f'inline; filename="{filename}"'},
        ExpiresIn=settings.MEDIA_S3_PRESIGN_TTL_SECONDS,
    )


def presigned_post(key: str, *, max_bytes: int, expires_in: int) -> dict[str, Any]:
    client, bucket = s3_client_and_bucket()
    return client.generate_presigned_post(
        Bucket=bucket, Key=key,
        Fields={"acl": "private"},
        Conditions=[{"acl": "private"}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )


def size_of(key: str) -> int:
    return private_storage().size(key)
