"""Naming the viewer behind a leaked video: which stream it is, where it starts, which code it spells.

Informed detection (reasons in fansub/media/video_mark/detect.py): the leak is compared with the
unmarked final of each candidate stream (``media_public_id`` narrows it to one); the candidate whose
content lines up best is read, and a code that passes the CRC is looked up among that stream's
deliveries. No mark, a failed CRC, or a code no delivery holds: nobody is named. Without
``media_public_id`` every streamed video of the same shape and at least the leak's length is decoded
and compared: slow on a large catalogue (pass ``--media`` when the leak's source is known).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from django.conf import settings

from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, MediaState, Rendition, RenditionKind
from fansub.media.video_mark import detect

MAX_LEAK_SECONDS = 180.0  # three codewords' worth is plenty; longer leaks are read up to here


@dataclass
class StreamIdentification:
    media_item: MediaItem | None
    delivery: Delivery | None
    code: int | None
    alignment: float
    presence: float
    segments_read: int
    offset_seconds: float


def _candidates(media_public_id: str | None) -> list[Rendition]:
    streams = (Rendition.objects.filter(kind=RenditionKind.STREAM, media_item__state=MediaState.READY)
               .select_related("media_item").order_by("-media_item__created_at"))
    if media_public_id:
        streams = streams.filter(media_item__public_id=media_public_id)
    return list(streams)


def _leak_shape(path: Path | str) -> tuple[float, float]:
    """(aspect ratio, seconds) of the leak, to skip videos it cannot be a copy of without decoding them."""
    with av.open(str(path)) as probe:
        video = probe.streams.video[0]
        seconds = float(probe.duration / av.time_base) if probe.duration else 0.0
        return video.codec_context.width / max(1, video.codec_context.height), seconds


def _could_be(stream: Rendition, shape: tuple[float, float]) -> bool:
    aspect, seconds = shape
    if stream.width and stream.height and abs(aspect / (stream.width / stream.height) - 1) > 0.05:
        return False
    duration = (stream.media_item.duration_ms or 0) / 1000
    return not duration or seconds <= duration + 2.0


def _final_key(item: MediaItem) -> str | None:
    return Rendition.objects.filter(media_item=item, kind=RenditionKind.FINAL).values_list(
        "storage_key", flat=True).first()


def identify_video(path: Path | str, media_public_id: str | None = None,
                   key: str | None = None) -> StreamIdentification:
    key = key or str(settings.WATERMARK_FORENSIC_KEY)
    leaks: dict[tuple[int, int], detect.Lumas] = {}
    best: StreamIdentification | None = None
    shape = _leak_shape(path)
    for stream in _candidates(media_public_id):
        if not media_public_id and not _could_be(stream, shape):
            continue
        manifest: dict[str, Any] = json.loads(storage.read_bytes(stream.storage_key))
        size = detect.analysis_size(manifest["width"], manifest["height"])
        if size not in leaks:
            leaks[size] = detect.read_lumas(path, size, max_seconds=MAX_LEAK_SECONDS)
        final_key = _final_key(stream.media_item)
        if final_key is None:
            continue
        with storage.local_copy(final_key, suffix=".mp4") as final:
            reference = detect.read_lumas(final, size)
        rate = Fraction(*manifest["rate"])
        reading = detect.read(leaks[size], reference, key=key, item_ref=str(stream.media_item.public_id),
                              rate=rate, segment_frames=int(manifest["segment_frames"]))
        delivery = None
        if reading.code is not None:
            delivery = (Delivery.objects.select_related("viewer")
                        .filter(rendition=stream, mark_code=reading.code).first())
        found = StreamIdentification(stream.media_item, delivery, reading.code, reading.alignment, reading.presence,
                                     len(reading.segments), reading.offset_frames / float(rate))
        if delivery is not None:
            return found
        if best is None or found.alignment > best.alignment:
            best = found
    return best or StreamIdentification(None, None, None, 0.0, 0.0, 0, 0.0)
