"""Watermark settings, read from Django settings when configured (defaults let the library run standalone)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "WATERMARK_PLATFORM_NAME": "Fan-Sub",
    "WATERMARK_STYLE": "tiled",
    "WATERMARK_POSITION": "bottom-right",
    "WATERMARK_OPACITY": 0.22,
    "WATERMARK_TEXT_SCALE": 0.022,
    "WATERMARK_JPEG_QUALITY": 88,
    "WATERMARK_FORENSIC_KEY": "dev-only-forensic-watermark-key",
    "WATERMARK_CACHE_SIZE": 32,
    "WATERMARK_CACHE_BYTES": 128 * 1024 * 1024,
    "WATERMARK_DISPLAY_SIZES": (1080, 2048),
}


def setting(name: str) -> Any:
    from django.conf import settings

    if settings.configured:
        return getattr(settings, name, DEFAULTS[name])
    return DEFAULTS[name]
