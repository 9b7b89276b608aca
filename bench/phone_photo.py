"""Photo-like test inputs for the media benchmarks: never flat, never a gradient, never upright-and-bare.

A 12-megapixel "phone photo" is multi-octave colour noise (foliage/fabric-like texture at 4 scales),
a sky-to-ground tint, 120 hard-edged shapes, 400 thin lines, a slight lens blur and sensor noise:
JPEG at quality 92 it weighs ~3 MB like a real one, and it carries what phones write: EXIF
orientation 6 (the sensor is landscape, the photo portrait), an sRGB ICC profile and camera tags.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageCms, ImageDraw, ImageFilter

PHONE_SIZE = (4032, 3024)  # as stored by the sensor; upright it is 3024 x 4032


def photo_pixels(size: tuple[int, int] = PHONE_SIZE, seed: int = 16) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    texture = np.zeros((h, w, 3), np.float32)
    for cells, amplitude in ((8, 60), (32, 35), (128, 20), (512, 10)):
        gw, gh = max(2, w * cells // 4032), max(2, h * cells // 4032)
        noise = (rng.normal(0, 1, (gh, gw, 3)) * 40 + 128).clip(0, 255).astype(np.uint8)
        layer = np.asarray(Image.fromarray(noise).resize((w, h), Image.Resampling.BICUBIC), np.float32) - 128
        texture += layer * (amplitude / 40)
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    tint = np.array([90, 140, 200], np.float32) * (1 - y) + np.array([120, 100, 60], np.float32) * y
    image = Image.fromarray(np.clip(tint + texture, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    scale = w / 4032
    for _ in range(120):
        x0, y0 = int(rng.integers(-200, w)), int(rng.integers(-200, h))
        sw, sh = int(rng.integers(40, 700) * scale) + 2, int(rng.integers(40, 500) * scale) + 2
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x0 + sw, y0 + sh], fill=colour)
        else:
            draw.polygon([(x0, y0), (x0 + sw, y0 + int(rng.integers(0, sh))), (x0 + int(rng.integers(0, sw)), y0 + sh)],
                         fill=colour)
    for _ in range(400):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        end = (x0 + int(rng.integers(-300, 300) * scale), y0 + int(rng.integers(-300, 300) * scale))
        draw.line([x0, y0, *end], fill=tuple(int(v) for v in rng.integers(0, 255, 3)), width=int(rng.integers(1, 6)))
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    grain = rng.normal(0, 4, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(np.asarray(image, np.float32) + grain, 0, 255).astype(np.uint8))


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg(pixels: Image.Image | None = None, *, orientation: int = 6) -> bytes:
    """The sensor-oriented pixels as a phone writes them: q92, 4:2:0, EXIF orientation + camera tags, sRGB ICC."""
    pixels = pixels if pixels is not None else photo_pixels()
    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"
    exif[0x0110] = "BenchPhone 15"
    exif[0x0112] = orientation
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=92, subsampling=2, exif=exif.tobytes(), icc_profile=srgb_profile())
    return out.getvalue()


def phone_png(pixels: Image.Image) -> bytes:
    out = io.BytesIO()
    pixels.save(out, "PNG", compress_level=6, icc_profile=srgb_profile())
    return out.getvalue()


def phone_heic(pixels: Image.Image) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    pixels.save(out, "HEIF", quality=80, icc_profile=srgb_profile())
    return out.getvalue()
