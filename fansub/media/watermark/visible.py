"""Visible mark: platform name and the viewer's public handle, tiled diagonally or in one corner.

The mark is built as a signed luminance layer ('L' image offset by 128): text lifts the luminance,
a one-pixel-offset shadow lowers it, so it reads on light and dark areas alike. Adding it to R, G and
B equally is what a semi-transparent grey overlay does, and it lets the visible and forensic marks be
applied to the picture in one pass. The layer depends on size, handle and style only, so it is cached
per viewer by the caller.

Tiled stamps sit on a lattice whose steps are whole multiples of the forensic tile (256 px): the
visible pattern then repeats with a period the forensic detector either ignores (longer than its
search range) or folds onto its own.
"""

from __future__ import annotations

import math
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFont

from fansub.media.watermark import pattern

Style = Literal["tiled", "corner"]
STYLES: tuple[str, ...] = ("tiled", "corner")
POSITIONS: tuple[str, ...] = ("bottom-right", "bottom-left", "top-right", "top-left", "center")
TILE_ANGLE = 30  # degrees, counter-clockwise
SHADOW_SHARE = 0.6  # shadow darkening relative to the text lift


def mark_text(platform: str, handle: str) -> str:
    return f"{platform} · @{handle.lstrip('@')}"


def _stamp(text: str, font_px: int, angle: float) -> tuple[Image.Image, Image.Image]:
    """Glyph coverage and shadow coverage ('L', same size) for one stamp."""
    font = ImageFont.load_default(size=font_px)
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, font_px // 10)
    size = (right - left + 2 * pad + 2, bottom - top + 2 * pad + 2)
    glyph = Image.new("L", size, 0)
    ImageDraw.Draw(glyph).text((pad - left, pad - top), text, fill=255, font=font)
    offset = max(1, font_px // 24)
    shadow = ImageChops.offset(glyph, offset, offset)
    shadow = ImageChops.subtract(shadow, glyph)  # shadow only where no glyph
    if angle:
        glyph = glyph.rotate(angle, resample=Image.BICUBIC, expand=True)
        shadow = shadow.rotate(angle, resample=Image.BICUBIC, expand=True)
    return glyph, shadow


def _anchor(position: str, size: tuple[int, int], stamp: tuple[int, int], margin: int) -> tuple[int, int]:
    (width, height), (sw, sh) = size, stamp
    if position == "center":
        return (width - sw) // 2, (height - sh) // 2
    vertical, horizontal = position.split("-")
    x = margin if horizontal == "left" else width - sw - margin
    y = margin if vertical == "top" else height - sh - margin
    return max(0, x), max(0, y)


def _positions_tiled(size: tuple[int, int], stamp: tuple[int, int]) -> list[tuple[int, int]]:
    width, height = size
    sw, sh = stamp
    unit = pattern.TILE_PX
    step_x = unit * max(2, math.ceil(sw * 1.35 / unit))
    step_y = unit * max(1, math.ceil(sh * 1.6 / unit))
    out = []
    for row, y in enumerate(range(-sh // 2, height, step_y)):
        shift = (row % 2) * (step_x // 2)
        for x in range(-sw // 2 - shift, width, step_x):
            out.append((x, y))
    return out


def visible_layer(
    size: tuple[int, int],
    *,
    platform: str,
    handle: str,
    style: str,
    position: str,
    opacity: float,
    text_scale: float,
) -> Image.Image:
    """Signed luminance layer ('L', 128 = no change) of the visible mark for an image of this size."""
    if style not in STYLES:
        raise ValueError(f"unknown watermark style {style!r}; expected one of {STYLES}")
    if position not in POSITIONS:
        raise ValueError(f"unknown watermark position {position!r}; expected one of {POSITIONS}")
    if not 0.0 <= opacity <= 1.0:
        raise ValueError("watermark opacity must be between 0 and 1")
    width, height = size
    font_px = max(10, round(max(width, height) * text_scale))
    text = mark_text(platform, handle)
    glyph, shadow = _stamp(text, font_px, TILE_ANGLE if style == "tiled" else 0)
    if style == "tiled":
        spots = _positions_tiled(size, glyph.size)
    else:
        spots = [_anchor(position, size, glyph.size, margin=font_px)]
    lift = round(255 * opacity)
    dark = round(255 * opacity * SHADOW_SHARE)
    glyph = glyph.point(lambda v: v * lift // 255)
    shadow = shadow.point(lambda v: v * dark // 255)
    # Glyph and shadow never overlap, so one signed stamp (128 + lift - shadow) pasted onto a flat 128
    # is the same as lifting and darkening the whole frame separately, at a fraction of the cost (a new
    # viewer's layer is drawn on the delivery path). A later stamp replaces an earlier one's box, as before.
    stamp = ImageChops.subtract(ImageChops.add(Image.new("L", glyph.size, 128), glyph), shadow)
    layer = Image.new("L", size, 128)
    for spot in spots:
        layer.paste(stamp, spot)
    return layer
