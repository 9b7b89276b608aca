"""Adapter from delivery to the watermark engine (fansub.media.watermark).

Each delivered final gets the viewer's visible mark and an invisible forensic mark carrying the
Delivery id, which ``manage.py watermark_identify`` recovers from a leaked copy. Work that does not
depend on the viewer (orientation, colour, the strength map) is prepared once per final and kept in
a bounded per-process cache.
"""

import io
from typing import Any

from PIL import Image

from fansub.media import storage, vips_decode
from fansub.media.watermark import identify, render

ENGINE = "watermark"


def render_final(final: Any, *, handle: str, delivery_id: int, style: str | None = None,
                 side: int | None = None) -> bytes:
    """JPEG bytes of ``final`` marked for one delivery, at ``side`` px on the longest side (None: full size).

    The prepared final (decoded, downscaled, colour planes and strength map) is cached per final and
    size; a display size is decoded straight to that size (libvips shrink-on-load), so a cold 2048 px
    delivery of a 12 MP final never holds the full-size planes."""

    def load() -> Image.Image:
        data = storage.read_bytes(final.storage_key)
        if side is not None and vips_decode.AVAILABLE:
            return vips_decode.working_image(data, (final.width, final.height), side)
        image = Image.open(io.BytesIO(data))
        if side is not None:
            image.draft("RGB", (side, side))  # JPEG: the smallest DCT scale still >= side
            image.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=2.0)
        image.load()
        return image

    prepared = render.cached_prepare(("final", final.pk, final.storage_key, side), load)
    return render.render_delivery(prepared, handle=handle, delivery_id=delivery_id, style=style)


def identify_leak(data: bytes) -> int | None:
    """The delivery id in a leaked copy's forensic mark, or None (not ours, not an image, or no mark)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > identify.MAX_PIXELS:
                return None
            image.load()
            found = identify.identify_image(image)
    except (OSError, ValueError, SyntaxError):
        return None
    return found.delivery_id if found else None
