"""Adapter from delivery to the watermark engine (fansub.media.watermark).

Each delivered final gets the viewer's visible mark and an invisible forensic mark carrying the
Delivery id, which ``manage.py watermark_identify`` recovers from a leaked copy. Work that does not
depend on the viewer (orientation, colour, the strength map) is prepared once per final and kept in
a bounded per-process cache.
"""

import io
import math
from collections.abc import Iterable
from typing import Any

from PIL import Image

from fansub.media import storage, vips_decode
from fansub.media.watermark import identify, render

ENGINE = "watermark"


# A display size N is served at the largest JPEG DCT scale of the final (1/2, 1/4, 1/8: libjpeg-turbo
# decodes straight to it, no resampling) that lands within this share below N; otherwise at exactly N.
# A 4000 px final is served at 2000 for 2048 and 1000 for 1080; a 4032 px phone final at 2016 and 1008.
DCT_SCALES = (8, 4, 2)
DCT_SLACK = 0.9


def served_size(width: int, height: int, side: int | None) -> tuple[tuple[int, int], int]:
    """(width, height) a final of this size is served at for display side ``side`` (None: full size),
    and the DCT scale denominator that gets there (1: decode at full size, then resample)."""
    longest = max(width, height)
    if side is None or side >= longest:
        return (width, height), 1
    for scale in DCT_SCALES:
        if DCT_SLACK * side <= math.ceil(longest / scale) <= side:
            return (math.ceil(width / scale), math.ceil(height / scale)), scale
    ratio = side / longest
    return (max(1, round(width * ratio)), max(1, round(height * ratio))), 1


def render_final(final: Any, *, handle: str, delivery_id: int, style: str | None = None,
                 side: int | None = None) -> bytes:
    """JPEG bytes of ``final`` marked for one delivery, at display side ``side`` (None: full size; see
    served_size).

    The prepared final (decoded, colour planes, strength map) is cached per final and size; a display
    size is decoded straight to (or near) that size, so a cold display-size delivery of a 12 MP final
    never decodes or holds the full-size planes."""

    def load() -> Image.Image:
        data = storage.read_bytes(final.storage_key)
        image = Image.open(io.BytesIO(data))
        (width, height), scale = served_size(image.width, image.height, side)
        if image.format == "JPEG" and image.mode == "RGB" and (scale > 1 or (width, height) == image.size):
            # Exactly that DCT scale (the served size, no resampling), as Y/Cb/Cr: the marks go on Y.
            image.draft("YCbCr", (width, height))
            image.load()
            if image.size == (width, height):
                return image
        if side is not None and (width, height) != image.size:
            if vips_decode.AVAILABLE:
                return vips_decode.working_image(data, (final.width, final.height), max(width, height))
            image.draft("RGB", (width, height))
            return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        image.load()
        return image

    prepared = render.cached_prepare(("final", final.pk, final.storage_key, side), load)
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
