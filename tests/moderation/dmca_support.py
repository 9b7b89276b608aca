"""Helpers for the DMCA and hash-matching tests: private storage per test, real uploads, test pictures."""

import io
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from fansub.media.services import processing, uploads


def use_tmp_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private-media"), "base_url": "/media/private/"}}}


def uploader(capture: Any) -> Callable[..., Any]:
    """Upload through the real service and process what it schedules on commit."""
    def _upload(user: Any, data: bytes, name: str = "upload.bin", **kwargs: Any) -> Any:
        with capture(execute=True):
            result = uploads.upload_media(user, io.BytesIO(data), size=len(data), name=name, **kwargs)
        result.item.refresh_from_db()
        if result.item.state == "uploaded":  # the on-commit task did not run in place
            processing.process_media_item(result.item.pk)
            result.item.refresh_from_db()
        return result.item
    return _upload


def scene(seed: int, width: int = 640, height: int = 480) -> Image.Image:
    """A picture with structure (shapes of many colours), unlike any other seed's."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (width, height), tuple(int(v) for v in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(20, height // 2))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0, y0, x1, y1], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return image.filter(ImageFilter.GaussianBlur(1))


def jpeg(image: Image.Image, quality: int = 60) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
