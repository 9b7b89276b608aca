"""What leakers do to a picture: geometry (rotation with crop or fill, mirror, aspect, rescale, crop,
screenshot borders) and the photometric attacks, each ending in a re-encode. Shared by the tests and
bench.watermark."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

Attack = Callable[[Image.Image, np.random.Generator], Image.Image]


def jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def webp(image: Image.Image, quality: int = 60) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "WEBP", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def rescale(image: Image.Image, sx: float, sy: float | None = None, resample: int = Image.LANCZOS) -> Image.Image:
    sy = sx if sy is None else sy
    return image.resize((max(1, round(image.width * sx)), max(1, round(image.height * sy))), resample)


def rotate_crop(image: Image.Image, degrees: float) -> Image.Image:
    """Rotate, then crop to the largest upright rectangle inside (what 'straighten' tools do)."""
    turned = image.rotate(degrees, Image.BICUBIC)
    w, h = image.size
    a = math.radians(abs(degrees))
    # inner rectangle of the same aspect fully inside the rotated frame
    k = 1.0 / (math.cos(a) + math.sin(a) * max(w / h, h / w))
    cw, ch = w * k, h * k
    box = (round((w - cw) / 2), round((h - ch) / 2), round((w + cw) / 2), round((h + ch) / 2))
    return turned.crop(box)


def rotate_fill(image: Image.Image, degrees: float, fill: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    return image.rotate(degrees, Image.BICUBIC, fillcolor=fill)


def crop_area(image: Image.Image, share: float, rng: np.random.Generator) -> Image.Image:
    """A crop keeping `share` of the area at a random place, random aspect."""
    w, h = image.size
    aspect = rng.uniform(0.75, 1.33)
    cw = min(w, round(math.sqrt(share * w * h * aspect)))
    ch = min(h, round(share * w * h / cw))
    x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    return image.crop((x0, y0, x0 + cw, y0 + ch))


def screenshot(image: Image.Image, width: int = 1280, border: int = 40) -> Image.Image:
    """The picture shown in a window `width` px wide with a `border` px UI frame and a title bar."""
    inner = width - 2 * border
    shown = image.resize((inner, max(1, round(image.height * inner / image.width))), Image.BILINEAR)
    canvas = Image.new("RGB", (width, shown.height + 2 * border + 30), (236, 236, 240))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, width, 30), fill=(60, 60, 70))
    draw.text((12, 8), "Fan-Sub - Mozilla Firefox", fill=(250, 250, 250))
    canvas.paste(shown, (border, border + 30))
    return canvas


def _geometry() -> dict[str, Attack]:
    out: dict[str, Attack] = {}
    for deg in (-5.0, -3.0, -1.0, 0.5, 2.0, 5.0):
        out[f"rotate {deg:+g} deg + crop"] = lambda im, rng, d=deg: jpeg(rotate_crop(im, d), 80)
    out["rotate +4 deg, black fill"] = lambda im, rng: jpeg(rotate_fill(im, 4.0), 80)
    out["rotate -2 deg, white fill"] = lambda im, rng: jpeg(rotate_fill(im, -2.0, (255, 255, 255)), 80)
    out["mirror"] = lambda im, rng: jpeg(im.transpose(Image.FLIP_LEFT_RIGHT), 80)
    out["mirror + rotate 3 deg + crop"] = lambda im, rng: jpeg(rotate_crop(im.transpose(Image.FLIP_LEFT_RIGHT), 3), 75)
    out["aspect x1.10"] = lambda im, rng: jpeg(rescale(im, 1.10, 1.0), 80)
    out["aspect x0.90"] = lambda im, rng: jpeg(rescale(im, 0.90, 1.0), 80)
    out["aspect y0.92, 60 %"] = lambda im, rng: jpeg(rescale(im, 0.6, 0.6 * 0.92), 80)
    for share in (0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0):
        out[f"scale {share:.0%}"] = lambda im, rng, s=share: jpeg(rescale(im, s), 80)
    out["scale random 25-100 %"] = lambda im, rng: jpeg(rescale(im, float(rng.uniform(0.25, 1.0))), 80)
    out["crop 50 % area"] = lambda im, rng: jpeg(crop_area(im, 0.5, rng), 80)
    out["screenshot 1280 px, 40 px border"] = lambda im, rng: jpeg(screenshot(im), 85)
    out["rotate 2 deg + 50 % + crop 70 % + JPEG q50"] = lambda im, rng: jpeg(
        crop_area(rescale(rotate_crop(im, 2.0), 0.5), 0.7, rng), 50
    )
    return out


def _photometric() -> dict[str, Attack]:
    return {
        "JPEG q30": lambda im, rng: jpeg(im, 30),
        "JPEG q50": lambda im, rng: jpeg(im, 50),
        "downscale 50 % + JPEG q70": lambda im, rng: jpeg(rescale(im, 0.5, resample=Image.BICUBIC), 70),
        "blur 1 px": lambda im, rng: jpeg(im.filter(ImageFilter.GaussianBlur(1.0)), 80),
        "brightness 1.3 contrast 0.8": lambda im, rng: jpeg(
            ImageEnhance.Contrast(ImageEnhance.Brightness(im).enhance(1.3)).enhance(0.8), 80
        ),
        "WebP q60": lambda im, rng: webp(im, 60),
    }


GEOMETRY = _geometry()
PHOTOMETRIC = _photometric()
ALL = {**GEOMETRY, **PHOTOMETRIC}
