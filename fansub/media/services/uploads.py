"""Accepting uploads: through the page or API (multipart) or straight to S3 (presigned POST).

Everything is decided before a byte is kept: type from content, size, structure. A refused
upload leaves nothing in storage; an accepted one is stored raw (private), recorded in state
``uploaded``, and handed to processing after the commit. An exact duplicate in the creator's
vault returns the existing item.
"""

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import (
    CreatorRequired,
    DirectUploadUnavailable,
    DomainError,
    MediaTypeUnsupported,
    UploadTicketInvalid,
)
from fansub.accounts.models import Role, User
from fansub.media import inspection, storage
from fansub.media.models import MediaItem, MediaState, UploadTicket
from fansub.media.services.events import media_ref
from fansub.media.tasks import process_media
from telemetry.events import emit

logger = logging.getLogger("fansub.media")

SURFACES = ("page", "api", "direct")


@dataclass(frozen=True)
class UploadResult:
    item: MediaItem
    reused: bool


def require_creator(user: User | AnonymousUser) -> None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.CREATOR or not user.is_active:
        raise CreatorRequired()


def _default_adult(creator: Any) -> bool:
    profile = getattr(creator, "creator_profile", None)
    return bool(profile and profile.is_adult)


def _clean_name(name: str) -> str:
    return os.path.basename(name or "").replace("\x00", "")[:255]


@contextmanager
def _as_path(handle: IO[bytes]) -> Iterator[Path]:
    existing = getattr(handle, "temporary_file_path", None)
    if existing:
        yield Path(existing())
        return
    with tempfile.NamedTemporaryFile(prefix="fansub-upload-") as tmp:
        handle.seek(0)
        while chunk := handle.read(1024 * 1024):
            tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def _sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _refused(error: DomainError, surface: str) -> DomainError:
    with transaction.atomic():
        emit("media.upload_refused", {"error_code": error.code,
                                      "reason": str(error.details.get("reason", "refused"))[:40],
                                      "surface": surface})
    return error


def upload_media(creator: User, handle: IO[bytes], *, size: int, name: str = "", content_type: str = "",
                 is_adult: bool | None = None, surface: str = "api") -> UploadResult:
    """Check a file completely, keep it privately and queue its processing."""
    require_creator(creator)
    try:
        handle.seek(0)
        fmt = inspection.sniff(handle.read(64))
        if fmt is None:
            raise MediaTypeUnsupported(details={"reason": "unsupported"})
        inspection.check_claims(fmt, name=name, content_type=content_type)
        kind = inspection.kind_of(fmt)
        inspection.check_size(kind, size)
        sha = _sha256(handle)
        existing = MediaItem.objects.filter(creator=creator, sha256=sha).exclude(state=MediaState.FAILED).first()
        if existing is not None:
            with transaction.atomic():
                _emit_uploaded(existing, reused=True, surface=surface)
            return UploadResult(existing, reused=True)
        if kind == "image":
            handle.seek(0)
            facts = inspection.inspect_image(handle.read(), fmt)
        else:
            with _as_path(handle) as path:
                facts = inspection.inspect_video(path, fmt)
    except DomainError as error:
        if error.code in ("MEDIA_TYPE_UNSUPPORTED", "MEDIA_TOO_LARGE", "MEDIA_CORRUPT"):
            raise _refused(error, surface) from error
        raise
    return _keep(creator, handle, facts, sha=sha, size=size, name=name,
                 is_adult=_default_adult(creator) if is_adult is None else is_adult, surface=surface)


def _keep(creator: Any, handle: IO[bytes], facts: inspection.Inspection, *, sha: str, size: int, name: str,
          is_adult: bool, surface: str) -> UploadResult:
    public_id = uuid.uuid4()
    key = f"{storage.item_prefix(creator.pk, public_id)}/upload.{facts.extension}"
    storage.save_file(key, handle)
    try:
        with transaction.atomic():
            item = MediaItem.objects.create(
                public_id=public_id, creator=creator, kind=facts.kind, state=MediaState.UPLOADED,
                is_adult=is_adult, source_format=facts.format, original_name=_clean_name(name), size_bytes=size,
                sha256=sha, width=facts.width, height=facts.height, duration_ms=facts.duration_ms, upload_key=key,
            )
            _emit_uploaded(item, reused=False, surface=surface)
            transaction.on_commit(lambda: _schedule_processing(item.pk))
    except IntegrityError:
        storage.delete_quietly(key)
        existing = MediaItem.objects.filter(creator=creator, sha256=sha).exclude(state=MediaState.FAILED).first()
        if existing is None:
            raise
        return UploadResult(existing, reused=True)
    except BaseException:
        storage.delete_quietly(key)
        raise
    return UploadResult(item, reused=False)


def _emit_uploaded(item: MediaItem, *, reused: bool, surface: str) -> None:
    emit("media.uploaded", {"media_id": media_ref(item), "kind": item.kind, "format": item.source_format,
                            "size_bytes": item.size_bytes, "reused": reused, "surface": surface},
         actor=item.creator)


def _schedule_processing(item_id: int) -> None:

    process_media.delay(item_id)


# --- direct-to-storage uploads (S3) -----------------------------------------------------------

@dataclass(frozen=True)
class DirectUpload:
    ticket: UploadTicket
    url: str
    fields: dict[str, str]


def direct_uploads_enabled() -> bool:
    return storage.is_s3()


def start_direct_upload(creator: User, *, name: str = "", content_type: str = "",
                        is_adult: bool | None = None) -> DirectUpload:
    """A presigned POST the browser uploads to; the size limit is part of the signed policy."""
    require_creator(creator)
    if not direct_uploads_enabled():
        raise DirectUploadUnavailable("Direct uploads need S3 storage.")
    max_bytes = max(settings.MEDIA_MAX_IMAGE_BYTES, settings.MEDIA_MAX_VIDEO_BYTES)
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    if ext and ext in inspection._EXTENSIONS:
        family = inspection.kind_of(inspection._EXTENSIONS[ext])
        max_bytes = inspection.size_limit(family)
    ttl = settings.MEDIA_UPLOAD_TICKET_TTL_SECONDS
    with transaction.atomic():
        ticket = UploadTicket.objects.create(
            creator=creator, storage_key=f"{storage.INCOMING_PREFIX}/{creator.pk}/{uuid.uuid4()}",
            max_bytes=max_bytes, original_name=_clean_name(name), declared_type=(content_type or "")[:100],
            is_adult=_default_adult(creator) if is_adult is None else is_adult,
            expires_at=timezone.now() + timedelta(seconds=ttl),
        )
    post = storage.presigned_post(ticket.storage_key, max_bytes=max_bytes, expires_in=ttl)
    return DirectUpload(ticket, post["url"], post["fields"])


def complete_direct_upload(creator: User, ticket_id: Any) -> UploadResult:
    """The browser says the upload is done: fetch, check and keep it exactly like a multipart upload."""
    require_creator(creator)
    with transaction.atomic():
        ticket = (UploadTicket.objects.select_for_update()
                  .filter(public_id=ticket_id, creator=creator, completed_at__isnull=True).first())
        if ticket is None or ticket.expires_at < timezone.now():
            raise UploadTicketInvalid()
        ticket.completed_at = timezone.now()
        ticket.save(update_fields=["completed_at"])
    try:
        try:
            size = storage.size_of(ticket.storage_key)
        except Exception as exc:
            raise UploadTicketInvalid("Nothing was uploaded for this ticket.") from exc
        with storage.local_copy(ticket.storage_key) as path, open(path, "rb") as handle:
            return upload_media(creator, handle, size=size, name=ticket.original_name,
                                content_type=ticket.declared_type, is_adult=ticket.is_adult, surface="direct")
    finally:
        storage.delete_quietly(ticket.storage_key)
