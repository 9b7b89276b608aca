"""Adapter from delivery to the watermark engine (fansub.media.watermark).

Each delivered final gets the viewer's visible mark and an invisible forensic mark carrying the
Delivery id, which ``manage.py watermark_identify`` recovers from a leaked copy. Work that does not
depend on the viewer (orientation, colour, the strength map) is prepared once per final and kept in
a bounded per-process cache.
"""

import io
from collections.abc import Iterable
from typing import Any

from PIL import Image

from fansub.media import storage
from fansub.media.watermark import identify, render

ENGINE = "watermark"


def render_final(final: Any, *, handle: str, delivery_id: int, style: str | None = None) -> bytes:
    """JPEG bytes of ``final`` marked for one delivery."""

    def load() -> Image.Image:
        image = Image.open(io.BytesIO(storage.read_bytes(final.storage_key)))
        image.load()
        return image

    prepared = render.cached_prepare(("final", final.pk, final.storage_key), load)
    return render.render_delivery(prepared, handle=handle, delivery_id=delivery_id, style=style)


def identify_leak(data: bytes, candidates: Iterable[int] | None = None) -> int | None:
    """The delivery id in a leaked copy's forensic mark, or None (not ours, not an image, or no mark).

    candidates (the deliveries of the work, when known) also let a weaker or colluders' averaged mark be
    named by correlation; only a candidate can be named that way.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > identify.MAX_PIXELS:
                return None
            image.load()
            found = identify.identify_image(image, candidates=candidates)
    except (OSError, ValueError, SyntaxError):
        return None
    return found.delivery_id if found else None
