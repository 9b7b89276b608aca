"""One watermarked delivery: visible + forensic mark in a single pass, then JPEG.

    prepared = prepare_final(image)           # once per final; id-independent, cache it
    data = render_delivery(prepared, handle="ada", delivery_id=delivery.pk, style="tiled")

Per-delivery work is small: render the delivery's 256x256 tile from its spectrum, repeat it over the
image times the cached full-resolution strength map (integer arithmetic), add the cached visible
layer, add the sum to the cached luminance plane and hand Y/Cb/Cr straight to the JPEG encoder (the
final's colour conversion happens once, in prepare_final).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from fansub.media.watermark import embed
from fansub.media.watermark.cache import LRUCache
from fansub.media.watermark.conf import setting
from fansub.media.watermark.visible import visible_layer

_visible_cache: LRUCache[Image.Image] | None = None
_prepared_cache: LRUCache[PreparedFinal] | None = None
# Visible layers are 1 byte/pixel: 32 of them at 2048 px are ~100 MB; a quarter of that is plenty for the
# viewers of the moment (a new viewer's layer costs a few ms to draw).
_VISIBLE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class PreparedFinal:
    """A final ready for per-delivery marking: upright Y, Cb, Cr planes and the forensic strength map."""

    luma: Image.Image
    cb: Image.Image
    cr: Image.Image
    strength: np.ndarray  # uint8 fixed point, full resolution
    luma_array: np.ndarray | None = None  # the luma plane's own memory (prepare_final shares it), uint8

    @property
    def size(self) -> tuple[int, int]:
        return self.luma.size

    @property
    def nbytes(self) -> int:
        width, height = self.size
        return 3 * width * height + self.strength.nbytes


def prepare_final(image: Image.Image) -> PreparedFinal:
    """Delivery-independent work for one final; cache the result per final (see LRUCache)."""
    # Finals carry no EXIF (the pipeline strips it): transposing would only copy the pixels.
    upright = ImageOps.exif_transpose(image) if image.getexif().get(0x0112, 1) != 1 else image
    if upright.mode != "YCbCr":  # a JPEG decoded with draft("YCbCr", ...) skips both colour conversions
        upright = (upright if upright.mode == "RGB" else upright.convert("RGB")).convert("YCbCr")
    luma, cb, cr = upright.split()
    # The strength map reads luminance: Y is what its own RGB -> L conversion computes.
    strength = embed.strength_fixed(embed.strength_map(luma), luma.size)
    luma_array = np.asarray(luma)  # one copy, shared with the plane below: no per-delivery copy
    luma = Image.frombuffer("L", luma.size, luma_array, "raw", "L", 0, 1)
    return PreparedFinal(luma=luma, cb=cb, cr=cr, strength=strength, luma_array=luma_array)


def prepared_cache() -> LRUCache[PreparedFinal]:
    """Process-wide cache of prepared finals (4 bytes per pixel each), at most WATERMARK_CACHE_BYTES in all.

    Entries are as large as what is served: a 1080 px display size ~3.5 MB, 2048 px ~12.6 MB, a
    full 3000x4000 final ~48 MB; the LRU evicts until the total fits."""
    global _prepared_cache
    budget = int(setting("WATERMARK_CACHE_BYTES"))
    if _prepared_cache is None or _prepared_cache.max_bytes != budget:
        _prepared_cache = LRUCache(1 << 30, max_bytes=budget, weigher=lambda prepared: prepared.nbytes)
    return _prepared_cache


def cached_prepare(cache_key: Hashable, load: Callable[[], Image.Image]) -> PreparedFinal:
    """prepare_final(load()) once per cache_key (e.g. the final rendition's id and file version)."""
    return prepared_cache().get_or_create(cache_key, lambda: prepare_final(load()))


def visible_cache() -> LRUCache[Image.Image]:
    """Process-wide cache of visible layers, keyed by everything the layer depends on."""
    global _visible_cache
    size = int(setting("WATERMARK_CACHE_SIZE"))
    if _visible_cache is None or _visible_cache.maxsize != size:
        _visible_cache = LRUCache(size, max_bytes=_VISIBLE_BYTES, weigher=lambda layer: layer.width * layer.height)
    return _visible_cache


def cached_visible_layer(size: tuple[int, int], handle: str, style: str | None = None) -> Image.Image:
    params = {
        "platform": str(setting("WATERMARK_PLATFORM_NAME")),
        "handle": handle,
        "style": style or str(setting("WATERMARK_STYLE")),
        "position": str(setting("WATERMARK_POSITION")),
        "opacity": float(setting("WATERMARK_OPACITY")),
        "text_scale": float(setting("WATERMARK_TEXT_SCALE")),
    }
    key = (size, *sorted(params.items()))
    return visible_cache().get_or_create(key, lambda: visible_layer(size, **params))


def watermark_image(
    prepared: PreparedFinal,
    *,
    handle: str,
    delivery_id: int,
    style: str | None = None,
    key: str | None = None,
) -> Image.Image:
    """The final (mode YCbCr) with the viewer's visible mark and the delivery's forensic mark."""
    forensic_key = key or str(setting("WATERMARK_FORENSIC_KEY"))
    # Integer passes instead of two clipped 'L' additions: the forensic change (a fresh array from
    # delta) plus the visible layer plus the luminance, less the layer's 128 offset, clipped once.
    # The same result: the sum of the two layers never leaves -128..127.
    tile = embed.tile_fixed(delivery_id, forensic_key, embed.tile_px_for(prepared.size))
    change = embed.delta(prepared.strength, tile)
    change += np.asarray(cached_visible_layer(prepared.size, handle, style))
    change += prepared.luma_array if prepared.luma_array is not None else np.asarray(prepared.luma)
    change -= 128  # the visible layer's offset
    luma = np.empty(change.shape, np.uint8)
    np.clip(change, 0, 255, out=luma, casting="unsafe")  # clipped first: the cast never wraps
    return Image.merge("YCbCr", (Image.frombuffer("L", prepared.size, luma, "raw", "L", 0, 1), prepared.cb,
                                 prepared.cr))


def render_delivery(
    prepared: PreparedFinal,
    *,
    handle: str,
    delivery_id: int,
    style: str | None = None,
    key: str | None = None,
    quality: int | None = None,
) -> bytes:
    """JPEG bytes of one watermarked delivery."""
    marked = watermark_image(prepared, handle=handle, delivery_id=delivery_id, style=style, key=key)
    buf = io.BytesIO()
    marked.save(buf, "JPEG", quality=int(quality or setting("WATERMARK_JPEG_QUALITY")))
    return buf.getvalue()
