"""Safety screening of processed media. Moderation registers its matchers here (hash lists, …).

A screener gets the item with its hashes filled in and returns a short reason code to quarantine
it, or None; a screener may instead raise a DomainError to refuse the item (it fails with that code).
A quarantined item keeps its files for review but is served to nobody but staff.
Holders (moderation's preservation duty) keep an item's rows and files from deletion.
"""

import io
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from fansub.media import storage, video
from fansub.media.models import MediaItem, MediaKind, RenditionKind

Screener = Callable[[MediaItem], str | None]
Holder = Callable[[MediaItem], bool]
_screeners: list[Screener] = []
HASH_DECODE_SIDE = 512
_holders: list[Holder] = []


def register_screener(screener: Screener) -> Screener:
    if screener not in _screeners:
        _screeners.append(screener)
    return screener


def unregister_screener(screener: Screener) -> None:
    if screener in _screeners:
        _screeners.remove(screener)


def screen(item: MediaItem) -> str | None:
    for screener in list(_screeners):
        reason = screener(item)
        if reason:
            return reason
    return None


def register_holder(holder: Holder) -> Holder:
    """``holder(item)`` True keeps the item (rows and files) when its owner or an erasure deletes it."""
    if holder not in _holders:
        _holders.append(holder)
    return holder


def is_held(item: MediaItem) -> bool:
    return any(holder(item) for holder in list(_holders))


def images_for_hashing(item: MediaItem) -> list[Image.Image]:
    """The pictures a perceptual hash is computed over: an image's upright, metadata-free master, or
    HASH_MATCH_VIDEO_FRAMES frames sampled evenly over a video (the poster frame when decoding fails)."""
    renditions = {r.kind: r for r in item.renditions.all()}
    if item.kind == MediaKind.IMAGE:
        source = renditions.get(RenditionKind.ORIGINAL) or renditions.get(RenditionKind.FINAL)
        if source is None:
            return []
        with Image.open(io.BytesIO(storage.read_bytes(source.storage_key))) as image:
            # PDQ reduces every picture to 64x64 (its reference downsamples to ~512 px first): a JPEG
            # master is decoded at the DCT scale still >= 512 px, not at 12 MP a second time.
            image.draft("RGB", (HASH_DECODE_SIDE, HASH_DECODE_SIDE))
            image.load()
            return [ImageOps.exif_transpose(image).convert("RGB")]  # a rotated JPEG's master is tagged
    clip = renditions.get(RenditionKind.ORIGINAL) or renditions.get(RenditionKind.FINAL)
    if clip is not None:
        suffix = "." + clip.storage_key.rsplit(".", 1)[-1]
        with storage.local_copy(clip.storage_key, suffix=suffix) as path:
            frames = video.sample_frames(Path(path), item.duration_ms, settings.HASH_MATCH_VIDEO_FRAMES)
        if frames:
            return [frame.convert("RGB") for frame in frames]
    poster = renditions.get(RenditionKind.POSTER)
    if poster is None:
        return []
    with Image.open(io.BytesIO(storage.read_bytes(poster.storage_key))) as image:
        image.load()
        return [image.convert("RGB")]
