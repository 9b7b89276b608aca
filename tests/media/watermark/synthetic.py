"""Procedural 'natural-looking' test finals: skies, gradients, fractal textures, shapes, grain and text."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

WORDS = ["Sunset", "Studio", "Backstage", "Summer", "Harbor", "Velvet", "Neon", "Polaroid", "Meadow", "2024"]


def _fractal(rng: np.random.Generator, h: int, w: int, beta: float) -> np.ndarray:
    """1/f^beta noise at low resolution, upsampled (cheap), unit range."""
    sh, sw = max(8, h // 4), max(8, w // 4)
    fy = np.fft.fftfreq(sh)[:, None]
    fx = np.fft.rfftfreq(sw)[None, :]
    radius = np.hypot(fy, fx)
    radius[0, 0] = 1.0
    amp = radius ** (-beta / 2)
    amp[0, 0] = 0.0
    phase = rng.random(amp.shape) * 2 * np.pi
    field = np.fft.irfft2(amp * np.exp(1j * phase), s=(sh, sw))
    field = (field - field.min()) / (np.ptp(field) + 1e-9)
    img = Image.fromarray((field * 255).astype(np.uint8), "L").resize((w, h), Image.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 255.0


def _palette(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Map a 0..1 field through a random smooth 3-colour ramp."""
    colors = rng.random((3, 3)) * 220 + 20
    t = np.clip(t, 0, 1)[..., None]
    low = colors[0] * (1 - 2 * t) + colors[1] * (2 * t)
    high = colors[1] * (2 - 2 * t) + colors[2] * (2 * t - 1)
    return np.where(t < 0.5, low, high)


def natural_image(seed: int, longest: int = 2048) -> Image.Image:
    """A varied, photo-like RGB picture; its longest side is 85-100 % of `longest`."""
    rng = np.random.default_rng(seed)
    aspect = rng.choice([1.0, 4 / 3, 3 / 2, 16 / 9, 3 / 4, 2 / 3, 9 / 16, 5 / 4])
    size_jitter = rng.uniform(0.85, 1.0)
    longest = int(longest * size_jitter)
    if aspect >= 1:
        full_w, full_h = longest, int(longest / aspect)
    else:
        full_w, full_h = int(longest * aspect), longest
    # Scenery is painted at half size and upscaled (fast; real photos are soft at pixel level too);
    # text and sensor grain are added at full size.
    w, h = full_w // 2, full_h // 2
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    kind = seed % 5
    angle = rng.uniform(0, 2 * np.pi)
    grad = ((xx * np.cos(angle) + yy * np.sin(angle)) / max(w, h) + 1) / 2
    if kind == 0:  # sky-like: smooth gradient with soft clouds
        t = 0.75 * grad + 0.25 * _fractal(rng, h, w, 3.2)
    elif kind == 1:  # photo-like texture (foliage, rock)
        t = 0.3 * grad + 0.7 * _fractal(rng, h, w, rng.uniform(1.6, 2.4))
    elif kind == 2:  # radial studio backdrop
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        t = np.hypot(xx - cx, yy - cy) / max(w, h) + 0.2 * _fractal(rng, h, w, 2.8)
    elif kind == 3:  # wood / fabric: warped stripes
        warp = _fractal(rng, h, w, 3.0) * rng.uniform(20, 60)
        t = 0.5 + 0.5 * np.sin((xx * np.cos(angle) + yy * np.sin(angle)) / rng.uniform(6, 30) + warp)
        t = 0.6 * t + 0.4 * grad
    else:  # mixed
        t = 0.5 * _fractal(rng, h, w, 2.2) + 0.5 * grad
    rgb = _palette(rng, t)
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")

    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(2, 12))):
        x0, y0 = rng.uniform(-0.1, 0.9) * w, rng.uniform(-0.1, 0.9) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.5) * w, y0 + rng.uniform(0.05, 0.5) * h
        fill = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            pts = [(float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))) for _ in range(5)]
            draw.polygon(pts, fill=fill)
    if rng.random() < 0.6:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.5)))
    arr = np.asarray(img, dtype=np.float32)
    # shade: large-scale lighting variation, like vignetting
    shade = 0.75 + 0.5 * _fractal(rng, h, w, 4.0)
    arr = arr * shade[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").resize((full_w, full_h), Image.BICUBIC)

    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(max(full_w, full_h) * rng.uniform(0.02, 0.06)))
    for _ in range(int(rng.integers(0, 4))):
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(1, 4))))
        pos = (float(rng.uniform(0, 0.7) * full_w), float(rng.uniform(0, 0.9) * full_h))
        draw.text(pos, text, fill=tuple(int(c) for c in rng.integers(0, 256, 3)), font=font)
    grain = rng.uniform(0.5, 6.0)
    noise = rng.standard_normal((full_h, full_w), dtype=np.float32) * grain + 128
    noise_img = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8), "L")
    return ImageChops.add(img, Image.merge("RGB", (noise_img,) * 3), 1.0, -128)
