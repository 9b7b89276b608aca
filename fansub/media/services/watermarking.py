"""Adapter to the watermark algorithms (fansub.media.watermark, written separately).

``mark(image, handle=..., delivery_id=...)`` returns the marked image and the engine used:
"watermark" when the real package is present (visible handle + forensic delivery id), else
"fallback": a plain visible text mark drawn with Pillow and NO forensic mark. The fallback
exists only so deliveries work before the two branches meet; Delivery.watermark_engine records
which one marked each copy, so fallback copies can be found and re-rendered.
"""

import importlib
import logging
from typing import Any

from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger("fansub.media")

ENGINE_REAL = "watermark"
ENGINE_FALLBACK = "fallback"


def _load() -> tuple[Any, Any] | None:
    try:
        visible = importlib.import_module("fansub.media.watermark.visible")
        forensic = importlib.import_module("fansub.media.watermark.forensic")
    except ImportError:
        return None
    return visible, forensic


def engine() -> str:
    return ENGINE_REAL if _load() else ENGINE_FALLBACK


def mark(image: Image.Image, *, handle: str, delivery_id: int) -> tuple[Image.Image, str]:
    modules = _load()
    if modules is None:
        return fallback_visible_mark(image, handle), ENGINE_FALLBACK
    visible, forensic = modules
    # Visible first, forensic last: the forensic mark must survive in the pixels actually delivered.
    marked = visible.apply(image, handle)
    return forensic.embed(marked, delivery_id), ENGINE_REAL


def fallback_visible_mark(image: Image.Image, handle: str) -> Image.Image:
    """FALLBACK ONLY (no forensic mark): the viewer's handle tiled diagonally, semi-transparent."""
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(12, min(base.size) // 20)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - very old Pillow
        font = ImageFont.load_default()
    text = f"@{handle}"
    step_x, step_y = size * (len(text) // 2 + 6), size * 5
    for row, y in enumerate(range(-base.height, base.height * 2, step_y)):
        for x in range(-base.width + (row % 2) * step_x // 2, base.width * 2, step_x):
            draw.text((x, y), text, font=font, fill=(255, 255, 255, 70), stroke_width=1, stroke_fill=(0, 0, 0, 70))
    layer = layer.rotate(30, resample=Image.Resampling.BILINEAR)
    return Image.alpha_composite(base, layer).convert("RGB")
