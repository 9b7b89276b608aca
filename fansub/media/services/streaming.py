"""Per-viewer HLS playlists over A/B-marked segments (see fansub/media/video_mark).

A video's final is packaged once, every segment in two variants. The first time an entitled viewer
asks for the playlist they get a stream Delivery with the next free code for that stream; their
playlist picks, for segment ``i``, the variant that spells bit ``i mod 28`` of that code's codeword.
Every segment link in it is signed for that viewer and that variant only, and is checked again
when fetched (entitlement, the viewer's own delivery, the variant their code picks).
"""

from __future__ import annotations

import math
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from common.errors import MediaNotReady, NotEntitled
from fansub.media.models import Delivery, MediaItem, Rendition, RenditionKind, VideoSegment
from fansub.media.services import access, signing
from fansub.media.services.delivery import DeliveredFile
from fansub.media.services.events import delivery_ref, media_ref
from fansub.media.video_mark import code
from telemetry.events import emit

PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/mp2t"


def stream_rendition(item: MediaItem) -> Rendition | None:
    return next((r for r in item.renditions.all() if r.kind == RenditionKind.STREAM), None)


def _entitled_stream(viewer: Any, item: MediaItem) -> Rendition:
    if not access.can_view_final(viewer, item):
        raise NotEntitled()
    rendition = stream_rendition(item)
    if rendition is None:
        raise MediaNotReady(details={"rendition": RenditionKind.STREAM})
    return rendition


def stream_delivery(viewer: Any, item: MediaItem, rendition: Rendition) -> tuple[Delivery, bool]:
    """The viewer's delivery of this stream, with its code; allocated once (the stream row is locked so two
    first plays never share a code)."""
    for _attempt in range(3):
        existing = Delivery.objects.filter(viewer=viewer, rendition=rendition).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                Rendition.objects.select_for_update().filter(pk=rendition.pk).first()
                last = Delivery.objects.filter(rendition=rendition).aggregate(top=Max("mark_code"))["top"] or 0
                if last >= code.MAX_CODE:
                    raise MediaNotReady("This video has reached its viewer limit.",
                                        details={"reason": "codes_exhausted"})
                return Delivery.objects.create(viewer=viewer, rendition=rendition, media_item=item,
                                               mark_code=last + 1, watermark_engine="video_ab"), True
        except IntegrityError:  # without row locks (SQLite) a concurrent first play took the code or the row
            continue
    raise MediaNotReady(details={"reason": "busy"})


def playlist(viewer: Any, item: MediaItem) -> str:
    """The viewer's own m3u8 (VOD): each segment link signed for them and the variant their code picks."""
    rendition = _entitled_stream(viewer, item)
    delivery, first = stream_delivery(viewer, item, rendition)
    segments = list(VideoSegment.objects.filter(rendition=rendition, variant="a").order_by("index")
                    .values_list("index", "duration_ms"))
    if not segments:
        raise MediaNotReady(details={"rendition": RenditionKind.STREAM})
    word = code.codeword(delivery.mark_code)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-PLAYLIST-TYPE:VOD",
             f"#EXT-X-TARGETDURATION:{max(1, math.ceil(max(d for _, d in segments) / 1000))}",
             "#EXT-X-MEDIA-SEQUENCE:0"]
    for index, duration_ms in segments:
        variant = "b" if word[index % code.LENGTH] else "a"
        token = signing.sign_segment(viewer.pk, item.pk, index, variant)
        lines += [f"#EXTINF:{duration_ms / 1000:.3f},", reverse("media-stream-segment", kwargs={"token": token})]
    lines.append("#EXT-X-ENDLIST")
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(last_served_at=timezone.now())
        emit("media.delivered", {"media_id": media_ref(item), "delivery_id": delivery_ref(delivery.pk),
                                 "rendition": RenditionKind.FINAL, "first_delivery": first, "watermark": "watermark"},
             actor=viewer)
    return "\n".join(lines) + "\n"


def segment_file(viewer: Any, target: signing.SegmentTarget) -> DeliveredFile:
    """A segment from a verified link: still entitled, their own delivery, and the variant their code picks."""
    item = MediaItem.objects.prefetch_related("renditions").filter(pk=target.media_item_id).first()
    if item is None:
        raise NotEntitled()
    rendition = _entitled_stream(viewer, item)
    delivery = Delivery.objects.filter(viewer=viewer, rendition=rendition).only("mark_code").first()
    if delivery is None or delivery.mark_code is None:
        raise NotEntitled()
    if ("b" if code.bit_for_segment(delivery.mark_code, target.index) else "a") != target.variant:
        raise NotEntitled(details={"reason": "not_your_segment"})
    segment = VideoSegment.objects.filter(rendition=rendition, index=target.index, variant=target.variant).first()
    if segment is None:
        raise MediaNotReady(details={"rendition": RenditionKind.STREAM})
    return DeliveredFile(segment.storage_key, SEGMENT_TYPE, f"{item.public_id}-{target.index:05d}.ts",
                         segment.size_bytes, delivery.pk)
