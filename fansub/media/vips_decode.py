"""A JPEG, PNG or WebP decoded once into the working image the renditions are built from: upright, sRGB, at most
``side`` px on the longest side, via libvips (pyvips + the pyvips-binary wheel).

Why libvips here and Pillow elsewhere: a phone JPEG (4032x3024) capped at 2048 px cannot use DCT
scaling (half size would be under the cap), so the full 12 MP decode must be resampled; Pillow's
Lanczos on 12 MP costs about twice the decode, libvips' vectorised one a fraction of it, and libvips
shrinks on load, applies the EXIF orientation and the colour profile after shrinking (a tenth of the
pixels). Only the pixels come back: the caller re-encodes them with an empty info dict, so no
metadata survives. Content validation (magic bytes, pixel limits, a full decode) has already
happened in inspection; the pixel limit is checked again here before decoding.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from PIL import Image

# One thread per decode: a worker process handles one item at a time and the box has few cores
# shared by every worker; libvips' own operation cache would only keep pixels we never reuse.
os.environ.setdefault("VIPS_CONCURRENCY", "1")
# libvips reports every step (shrink factors, vector paths) at INFO: noise in a worker's log.
logging.getLogger("pyvips").setLevel(logging.WARNING)

try:  # pragma: no cover - the import itself is exercised by every test that processes a JPEG
    import pyvips

    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    AVAILABLE = True
    VipsError: type[Exception] = pyvips.Error
except (ImportError, OSError):  # pragma: no cover - a machine without the wheel falls back to Pillow
    pyvips = None
    AVAILABLE = False

    class VipsError(Exception):  # type: ignore[no-redef]
        pass


def working_image(data: bytes, size: tuple[int, int], side: int) -> Image.Image:
    """The upload's pixels as an 'RGB' or 'RGBA' Pillow image: upright, sRGB, longest side <= ``side``.

    ``size`` is the stored (pre-rotation) size from the header, used for the pixel limit."""
    if size[0] * size[1] > settings.MEDIA_MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError("too many pixels")
    header = pyvips.Image.new_from_buffer(data, "", access="sequential")  # parses the header only
    # An embedded profile is applied (to sRGB, after shrinking); without one the pixels are sRGB
    # already, and asking for a conversion anyway would cost ten times the decode.
    colour = {"output_profile": "srgb", "intent": "relative"} if "icc-profile-data" in header.get_fields() else {}
    scaled = pyvips.Image.thumbnail_buffer(data, side, height=side, size="down",
                                           option_string="fail_on=truncated",  # the fail_on kwarg is not passed on
                                           **colour)
    if scaled.interpretation != "srgb" or scaled.format != "uchar":  # grey, 16-bit, palette
        scaled = scaled.colourspace("srgb").cast("uchar")
    if scaled.bands not in (3, 4):
        scaled = scaled.extract_band(0, n=3)
    mode = "RGBA" if scaled.bands == 4 else "RGB"
    return Image.frombytes(mode, (scaled.width, scaled.height), scaled.write_to_memory())


def downscale(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A decoded 'RGB'/'RGBA' picture resampled to ``size`` with libvips' Lanczos (alpha premultiplied):
    a fraction of what Pillow's costs on 12 MP (HEIC and GIF uploads are decoded by Pillow)."""
    bands = 4 if picture.mode == "RGBA" else 3
    source = pyvips.Image.new_from_memory(picture.tobytes(), picture.width, picture.height, bands, "uchar")
    hscale, vscale = size[0] / picture.width, size[1] / picture.height
    if bands == 4:
        scaled = source.premultiply().resize(hscale, vscale=vscale).unpremultiply().cast("uchar")
    else:
        scaled = source.resize(hscale, vscale=vscale)
    return Image.frombytes(picture.mode, (scaled.width, scaled.height), scaled.write_to_memory())
