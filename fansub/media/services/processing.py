"""Turning an uploaded item into its renditions: uploaded -> processing -> ready | failed | quarantined.

Files are written outside the database transaction (they can be large), under keys that carry
the attempt number, and recorded in one transaction at the end. Whatever does not end up in a
row is deleted here, and the orphan sweep catches what a crash leaves behind.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from fansub.media import imaging, storage, video, vips_decode
from fansub.media.models import MEDIA_TRANSITIONS, MediaItem, MediaKind, MediaState, Rendition, VideoSegment
from fansub.media.services import screening
from fansub.media.services.events import media_ref
from fansub.media.video_mark.package import Segment
from governance.services import audit
from telemetry.events import emit

logger = logging.getLogger("fansub.media")



def start_processing(item_id: int) -> MediaItem:
    with transaction.atomic():
        item = MediaItem.objects.select_for_update().get(pk=item_id)
        MEDIA_TRANSITIONS.move(item, MediaState.PROCESSING, field="state")
        item.attempts += 1
        item.save(update_fields=["state", "attempts", "updated_at"])
    return item


def process_media_item(item_id: int) -> MediaItem:
    """Run one attempt. Content problems fail the item for good; anything else is raised for a retry."""
    item = start_processing(item_id)
    started = time.perf_counter()
    written: list[tuple[str, Any]] = []
    try:
        facts = _render(item, written)
    except DomainError as error:
        _discard(written)
        return fail_item(item.pk, error.code)
    except Exception as exc:
        _discard(written)
        if _is_content_error(exc):
            return fail_item(item.pk, "MEDIA_CORRUPT")
        raise
    try:
        return _finish(item.pk, facts, written, int((time.perf_counter() - started) * 1000))
    except DomainError as error:  # a screener refused the item (e.g. a re-upload of removed content)
        _discard(written)
        return fail_item(item.pk, error.code)
    except BaseException:
        _discard(written)
        raise


def _is_content_error(exc: Exception) -> bool:
    import av
    from PIL import Image, UnidentifiedImageError

    return isinstance(exc, av.FFmpegError | UnidentifiedImageError | SyntaxError | EOFError
                      | vips_decode.VipsError | Image.DecompressionBombError)


def _render(item: MediaItem, written: list[tuple[str, Any]]) -> dict[str, Any]:
    prefix = storage.item_prefix(item.creator_id, item.public_id)

    def put(output: imaging.RenditionOutput | video.FileOutput) -> None:
        key = f"{prefix}/{output.kind}-a{item.attempts}.{output.extension}"
        if isinstance(output, video.FileOutput):
            with open(output.path, "rb") as handle:
                storage.save_file(key, handle)
            size = output.path.stat().st_size
        else:
            storage.save_bytes(key, output.data)
            size = len(output.data)
        written.append((key, (output, size)))

    if item.kind == MediaKind.IMAGE:
        result = imaging.process_image(storage.read_bytes(item.upload_key), item.source_format)
        for output in result.renditions:
            put(output)
        return {"width": result.width, "height": result.height, "phash": result.phash, "duration_ms": None}
    with storage.local_copy(item.upload_key, suffix=f".{item.source_format}") as path, \
            video.make_workdir() as workdir:
        from pathlib import Path

        mark_ref = str(item.public_id) if settings.MEDIA_VIDEO_MARKS else None
        result = video.process_video(path, item.source_format, item.duration_ms, Path(workdir), mark_ref=mark_ref)
        for output in (*result.files, *result.images):
            put(output)
        if result.stream is not None:
            put(video.FileOutput("stream", result.stream.manifest, "application/json", "json",
                                 result.stream.width, result.stream.height))
            for segment in result.stream.segments:
                key = f"{prefix}/stream-a{item.attempts}/{segment.index:05d}-{segment.variant}.ts"
                with open(segment.path, "rb") as handle:
                    storage.save_file(key, handle)
                written.append((key, (segment, segment.path.stat().st_size)))
    return {"width": result.width, "height": result.height, "phash": result.phash,
            "duration_ms": result.duration_ms}


def _finish(item_id: int, facts: dict[str, Any], written: list[tuple[str, Any]], elapsed_ms: int) -> MediaItem:
    with transaction.atomic():
        item = MediaItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:  # deleted while we worked
            transaction.on_commit(lambda: _discard(written))
            return MediaItem(pk=item_id, state=MediaState.FAILED)
        item.renditions.all().delete()
        created: dict[str, Rendition] = {}
        for key, (output, size) in written:
            if not isinstance(output, Segment):
                created[output.kind] = Rendition.objects.create(
                    media_item=item, kind=output.kind, storage_key=key, content_type=output.content_type,
                    size_bytes=size, width=output.width, height=output.height)
        VideoSegment.objects.bulk_create([
            VideoSegment(rendition=created["stream"], index=output.index, variant=output.variant, storage_key=key,
                         size_bytes=size, duration_ms=output.duration_ms)
            for key, (output, size) in written if isinstance(output, Segment)])
        item.width, item.height = facts["width"], facts["height"]
        item.duration_ms = facts["duration_ms"] or item.duration_ms
        item.phash = facts["phash"]
        verdict = screening.screen(item)
        target = MediaState.QUARANTINED if verdict else MediaState.READY
        MEDIA_TRANSITIONS.move(item, target, field="state")
        # A screened-out item reads as a plain processing failure to its uploader (never why).
        item.failure_code = "MEDIA_PROCESSING_FAILED" if verdict else ""
        raw, item.upload_key = item.upload_key, ""
        item.processed_at = timezone.now()
        item.save()
        transaction.on_commit(lambda: storage.delete_quietly(raw))
        if verdict:
            audit.record(actor=None, action="media.quarantined", obj=item, reason=verdict)
        emit("media.processed", {"media_id": media_ref(item), "kind": item.kind, "state": target,
                                 "attempts": item.attempts, "processing_ms": elapsed_ms,
                                 "renditions": [output.kind for _, (output, _) in written
                                                if not isinstance(output, Segment)]},
             actor=None, source="worker")
    return item


def fail_item(item_id: int, code: str) -> MediaItem:
    """Fail for good: the raw upload and any rendition go; the row stays so the creator sees why."""
    with transaction.atomic():
        item = MediaItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return MediaItem(pk=item_id, state=MediaState.FAILED)
        MEDIA_TRANSITIONS.check(item.state, MediaState.FAILED)
        item.renditions.all().delete()
        raw, item.upload_key = item.upload_key, ""
        item.state, item.failure_code = MediaState.FAILED, code[:40]
        item.save()
        transaction.on_commit(lambda: storage.delete_quietly(raw))
        emit("media.failed", {"media_id": media_ref(item), "kind": item.kind, "error_code": item.failure_code,
                              "attempts": item.attempts}, actor=None, source="worker")
    logger.warning("media processing failed code=%s media=%s", code, media_ref(item))
    return item


def _discard(written: list[tuple[str, Any]]) -> None:
    for key, _ in written:
        storage.delete_quietly(key)
