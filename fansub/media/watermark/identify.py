"""Recover the delivery id from a leaked copy of a final."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageOps

from fansub.media.watermark import detect
from fansub.media.watermark.conf import setting

# A leak can be a huge re-encode; refuse decompression bombs but allow large photos.
MAX_PIXELS = 80_000_000


def identify_image(
    image: Image.Image, key: str | None = None, candidates: Iterable[int] | None = None
) -> detect.Detection | None:
    """The forensic detection in this picture, or None when no valid mark is found.

    candidates: the delivery ids that exist for the media (when known) enable informed detection,
    which reads weaker marks and averaged (colluders') copies; see detect.detect.
    """
    upright = ImageOps.exif_transpose(image)
    return detect.detect(upright, key or str(setting("WATERMARK_FORENSIC_KEY")), candidates)


def identify_file(path: str | Path, key: str | None = None, candidates: Iterable[int] | None = None) -> int | None:
    """Delivery id carried by the image file at path, or None."""
    found = detect_file(path, key, candidates)
    return found.delivery_id if found else None


def detect_file(
    path: str | Path, key: str | None = None, candidates: Iterable[int] | None = None
) -> detect.Detection | None:
    with Image.open(path) as image:
        if image.width * image.height > MAX_PIXELS:
            raise ValueError(f"image too large to analyse ({image.width}x{image.height})")
        image.load()
        return identify_image(image, key, candidates)
