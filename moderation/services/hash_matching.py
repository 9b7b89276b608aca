"""Known-bad hash matching on every processed upload (registered as a media screener in ModerationConfig.ready).

PDQ (the ``pdqhash`` package) over the item's master image, or frames sampled over a video. Each picture is
hashed in its 8 dihedral variants (rotations by 90 degrees, mirrored or not), so a rotated or mirrored copy
of a listed picture still matches; a match is a Hamming distance of at most HASH_MATCH_MAX_DISTANCE of 256.
A known-bad match fails closed (moderation.services.quarantine); a match with the DMCA re-upload list refuses
the upload with DMCA_REUPLOAD_BLOCKED.
"""

from dataclasses import dataclass

import numpy as np
import pdqhash
from django.conf import settings
from PIL import Image

from common.errors import DmcaReuploadBlocked
from fansub.media.models import MediaItem
from fansub.media.services import screening
from moderation.models import HashEntry, HashListKind, MediaHash
from moderation.services import quarantine

QUARANTINE_REASON = "safety_screening"  # what media's own audit row says: never the list or the match


@dataclass(frozen=True)
class PictureHashes:
    frame: int
    value: str  # the picture as uploaded
    quality: int
    variants: tuple[int, ...]  # the 8 dihedral variants as integers


@dataclass(frozen=True)
class Match:
    entry: HashEntry
    distance: int
    frame: int


def _hex(bits: np.ndarray) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hash_picture(image: Image.Image, frame: int = 0) -> PictureHashes:
    pixels = np.asarray(image.convert("RGB"))
    variants, quality = pdqhash.compute_dihedral(pixels)
    values = [_hex(v) for v in variants]
    return PictureHashes(frame=frame, value=values[0], quality=int(quality),
                         variants=tuple(int(v, 16) for v in values))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def hash_item(item: MediaItem) -> list[PictureHashes]:
    """Hash the item's pictures and store them (MediaHash) for later lists (the DMCA re-upload list)."""
    pictures = [hash_picture(image, frame) for frame, image in enumerate(screening.images_for_hashing(item))]
    MediaHash.objects.filter(media_item=item).delete()
    MediaHash.objects.bulk_create([MediaHash(media_item=item, value=p.value, quality=p.quality, frame=p.frame)
                                   for p in pictures])
    return pictures


def best_match(pictures: list[PictureHashes], kind: str) -> Match | None:
    """The closest entry of the active lists of ``kind`` within the distance limit, or None.
    (A linear scan: fine for lists of some hundred thousand entries; an index comes with bigger lists.)"""
    usable = [p for p in pictures if p.quality >= settings.HASH_MATCH_MIN_QUALITY]
    if not usable:
        return None
    limit = settings.HASH_MATCH_MAX_DISTANCE
    best: Match | None = None
    entries = HashEntry.objects.filter(hash_list__kind=kind, hash_list__active=True).select_related("hash_list")
    for entry in entries.iterator(chunk_size=2000):
        listed = int(entry.value, 16)
        for picture in usable:
            distance = min(hamming(listed, variant) for variant in picture.variants)
            if distance <= limit and (best is None or distance < best.distance):
                best = Match(entry, distance, picture.frame)
    return best


def screen_upload(item: MediaItem) -> str | None:
    """The media screener: runs inside processing's final transaction, with the item locked."""
    pictures = hash_item(item)
    match = best_match(pictures, HashListKind.KNOWN_BAD)
    if match is not None:
        quarantine.quarantine_for_match(item, match.entry, match.distance, [p.value for p in pictures])
        return QUARANTINE_REASON
    if best_match(pictures, HashListKind.DMCA_REUPLOAD) is not None:
        raise DmcaReuploadBlocked()
    return None
