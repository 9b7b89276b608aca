"""The leak attack stack of the issue: JPEG q70, downscale to 50 %, crop 10 % from every edge, in a given order."""

from __future__ import annotations

import io
import itertools

from PIL import Image

ORDERS = list(itertools.permutations(("jpeg", "downscale", "crop")))
RESAMPLERS = (Image.LANCZOS, Image.BICUBIC, Image.BILINEAR, Image.BOX)


def jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def downscale(image: Image.Image, resample: int = Image.LANCZOS, factor: float = 0.5) -> Image.Image:
    return image.resize((round(image.width * factor), round(image.height * factor)), resample)


def crop(image: Image.Image, share: float = 0.1) -> Image.Image:
    w, h = image.size
    dx, dy = round(w * share), round(h * share)
    return image.crop((dx, dy, w - dx, h - dy))


def leak(image: Image.Image, case: int) -> Image.Image:
    """All three attacks; the order and the resampling filter vary with the case number."""
    out = image
    for step in ORDERS[case % len(ORDERS)]:
        if step == "jpeg":
            out = jpeg(out)
        elif step == "downscale":
            out = downscale(out, RESAMPLERS[case % len(RESAMPLERS)])
        else:
            out = crop(out)
    return out
