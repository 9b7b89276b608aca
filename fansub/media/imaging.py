"""The image pipeline: one decoded upload in, every rendition's bytes out. No storage, no database.

Speed (see bench/media_processing.py): an upright sRGB JPEG within the size cap is never fully
decoded: its final and master are the upload's compressed data with every metadata segment removed,
and the small renditions come from a 1/8-scale draft decode. Other JPEG, PNG and WebP uploads are
decoded once by libvips (fansub/media/vips_decode.py: shrink-on-load, EXIF rotation and colour
profile applied after shrinking, vectorised Lanczos) straight to the final's size; GIF, HEIC and
CMYK JPEG are decoded once by Pillow (JPEG in draft mode) and resampled by libvips. The thumbnail
and previews come from reduce() of that one working image; pHash is computed on the 320 px thumbnail.
Masters never need a second decode: the upload minus its metadata (a rotated JPEG keeps an EXIF block
with the orientation tag alone), or, for GIF/HEIC/rotated PNG, an encode of the same decode.
All other metadata goes: re-encoded renditions start from pixels with an empty info dict (colour
profiles converted to sRGB first; a re-encoded master keeps its unconverted profile).
"""

import io
from dataclasses import dataclass, field

import imagehash
from django.conf import settings
from PIL import Image, ImageCms, ImageFilter

from fansub.media import metadata_strip, vips_decode
from fansub.media.inspection import IMAGE_FORMATS

_ORIENTATION_OPS = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass
class RenditionOutput:
    kind: str
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass
class ImageResult:
    width: int
    height: int
    phash: str
    renditions: list[RenditionOutput] = field(default_factory=list)


def _encode(image: Image.Image, kind: str, *, quality: int, alpha: bool = False,
            icc: bytes | None = None) -> RenditionOutput:
    """``icc``: the colour profile of pixels not converted to sRGB (a master's), the only metadata kept."""
    image.info = {}  # never carry EXIF, XMP, ICC or text chunks into a rendition
    out = io.BytesIO()
    profile = {"icc_profile": icc} if icc else {}
    if alpha:
        image.save(out, "WEBP", quality=quality, method=4, **profile)
        content_type, ext = "image/webp", "webp"
    else:
        image.save(out, "JPEG", quality=quality, optimize=False, **profile)
        content_type, ext = "image/jpeg", "jpg"
    return RenditionOutput(kind, out.getvalue(), content_type, ext, image.width, image.height)


def _orientation(image: Image.Image) -> int:
    if image.format == "PNG" and "exif" not in image.info:
        return 1  # Pillow would decode the whole PNG to look for an eXIf chunk after the pixels
    try:
        return int(image.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block must not stop the pipeline; the pixels are fine
        return 1


def _to_srgb(image: Image.Image, icc: bytes | None, has_alpha: bool) -> Image.Image:
    target_mode = "RGBA" if has_alpha else "RGB"
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(target_mode)
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=target_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile: treat the pixels as sRGB
    return image if image.mode == target_mode else image.convert(target_mode)


def _fit(size: tuple[int, int], side: int, *, upscale: bool = False) -> tuple[int, int]:
    w, h = size
    scale = side / max(w, h) if upscale else min(1.0, side / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def blurred_preview(small: Image.Image) -> Image.Image:
    """Unrecognisable: 16 px on the longest side, blurred at 1/4 of the output size, then upscaled
    smoothly (no edge survives; blurring the small image costs 16x less than the full preview)."""
    tiny = small.convert("RGB").resize(_fit(small.size, 16), Image.Resampling.BOX)
    target = _fit(small.size, settings.MEDIA_PREVIEW_SIDE, upscale=True)
    quarter = (max(1, target[0] // 4), max(1, target[1] // 4))
    soft = tiny.resize(quarter, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    return soft.resize(target, Image.Resampling.BILINEAR)


def safe_preview(small: Image.Image) -> Image.Image:
    """For safe mode: only the average colours of four quadrants, washed together."""
    wash = small.convert("RGB").resize((2, 2), Image.Resampling.BOX)
    return wash.resize(_fit(small.size, settings.MEDIA_PREVIEW_SIDE, upscale=True), Image.Resampling.BILINEAR)


def derived_renditions(picture: Image.Image) -> tuple[list[RenditionOutput], str]:
    """Thumbnail, preview, safe preview and the pHash from an oriented, sRGB picture."""
    thumb = picture.copy() if max(picture.size) <= settings.MEDIA_THUMBNAIL_SIDE * 2 else picture.reduce(
        max(1, max(picture.size) // (settings.MEDIA_THUMBNAIL_SIDE * 2)))
    thumb.thumbnail((settings.MEDIA_THUMBNAIL_SIDE, settings.MEDIA_THUMBNAIL_SIDE), Image.Resampling.BICUBIC)
    flat = thumb.convert("RGB")
    outputs = [
        _encode(flat, "thumbnail", quality=80),
        _encode(blurred_preview(flat), "preview", quality=70),
        _encode(safe_preview(flat), "safe_preview", quality=70),
    ]
    return outputs, str(imagehash.phash(flat))


def process_image(data: bytes, fmt: str) -> ImageResult:
    image = Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[fmt][0]])
    orientation = _orientation(image)
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    cap = settings.MEDIA_FINAL_MAX_SIDE
    full_size = image.size
    if fmt == "jpeg" and orientation == 1 and not icc and image.mode in ("RGB", "L") and max(full_size) <= cap:
        return _process_plain_jpeg(data, image)
    if vips_decode.AVAILABLE and _vips_can_take(fmt, image, orientation):
        # The phone-photo case: one libvips decode (shrunk on load, rotated and colour-converted after
        # shrinking, alpha premultiplied while resampling); the master never needs pixels here.
        picture = vips_decode.working_image(data, full_size, cap)
        return _result(picture, data, fmt, image, orientation, full_size, has_alpha=picture.mode == "RGBA")
    if fmt == "jpeg" and max(full_size) > cap:
        image.draft("RGB", _fit(full_size, cap))  # decode at the smallest DCT scale still >= the final size
    image.load()
    picture = image if image.mode == ("RGBA" if has_alpha else "RGB") or image.mode == "CMYK" else image.convert(
        "RGBA" if has_alpha else "RGB")
    for op in _ORIENTATION_OPS.get(orientation, ()):
        picture = picture.transpose(op)
    return _result(picture, data, fmt, image, orientation, full_size, has_alpha=has_alpha, icc=icc)


def _vips_can_take(fmt: str, image: Image.Image, orientation: int) -> bool:
    """Formats and modes whose libvips decode gives the same pixels as Pillow's (CMYK, GIF, HEIC and
    animations stay on Pillow), and whose master needs no full-size pixels (a rotated PNG's does)."""
    if fmt == "jpeg":
        return image.mode in ("RGB", "L")
    if fmt in ("png", "webp") and orientation == 1:
        return not getattr(image, "is_animated", False) and image.mode in ("RGB", "RGBA", "L", "LA", "P", "I;16")
    return False


def _result(picture: Image.Image, data: bytes, fmt: str, image: Image.Image, orientation: int,
            full_size: tuple[int, int], *, has_alpha: bool, icc: bytes | None = None) -> ImageResult:
    """Every rendition from one decoded, upright picture (full size, or already downscaled). ``icc``
    is the picture's colour profile when it is not sRGB yet: converted after downscaling (a tenth of
    the pixels), and embedded unconverted in a master encoded from the full-size pixels."""
    cap = settings.MEDIA_FINAL_MAX_SIDE
    decoded = picture
    if max(picture.size) > cap:
        if vips_decode.AVAILABLE and picture.mode in ("RGB", "RGBA"):
            picture = vips_decode.downscale(picture, _fit(picture.size, cap))
        else:
            picture = picture.resize(_fit(picture.size, cap), Image.Resampling.LANCZOS, reducing_gap=2.0)
    picture = _to_srgb(picture, icc, has_alpha)
    if decoded.mode == "CMYK":  # no profile to carry: the master gets the converted pixels
        decoded, icc = _to_srgb(decoded, icc, has_alpha), None
    derived, phash = derived_renditions(picture)
    width, height = (full_size[1], full_size[0]) if orientation in (5, 6, 7, 8) else full_size
    original = _lossless_master(data, fmt, image, orientation, (width, height))
    if original is not None:
        final = _encode(picture, "final", quality=85, alpha=has_alpha)
    elif picture.size == decoded.size and not icc:
        # Full-size sRGB pixels that need a re-encode anyway (GIF, HEIC): one encode is master and final.
        final = _encode(picture, "final", quality=90, alpha=has_alpha)
        original = RenditionOutput("original", final.data, final.content_type, final.extension, final.width,
                                   final.height)
    else:  # the master comes from the same decode as the final: never a second decode
        final = _encode(picture, "final", quality=85, alpha=has_alpha)
        original = _encode(decoded.copy(), "original", quality=95, alpha=has_alpha, icc=icc)
    return ImageResult(width=width, height=height, phash=phash, renditions=[original, final, *derived])


def _process_plain_jpeg(data: bytes, image: Image.Image) -> ImageResult:
    """The common case (upright sRGB JPEG within the cap): the final is the upload's own compressed
    data minus its metadata, so only the small renditions need pixels, decoded at 1/8 scale."""
    width, height = image.size
    stripped = metadata_strip.strip_jpeg(data)
    image.draft("RGB", _fit(image.size, settings.MEDIA_THUMBNAIL_SIDE))
    image.load()
    derived, phash = derived_renditions(image.convert("RGB"))
    return ImageResult(width=width, height=height, phash=phash, renditions=[
        RenditionOutput("original", stripped, "image/jpeg", "jpg", width, height),
        RenditionOutput("final", stripped, "image/jpeg", "jpg", width, height),
        *derived,
    ])


def _lossless_master(data: bytes, fmt: str, image: Image.Image, orientation: int,
                     upright: tuple[int, int]) -> RenditionOutput | None:
    """The stored master as the upload's own compressed data minus its metadata, or None when that
    cannot be done losslessly (the caller then encodes one from the decoded pixels).

    A rotated JPEG keeps its coefficients and gets a minimal EXIF block holding the orientation tag
    only (every viewer applies it; no personal data): re-encoding 12 MP at q95, or even a lossless
    DCT rotation, costs more than the whole decode."""
    w, h = upright
    _, content_type, ext = IMAGE_FORMATS[fmt]
    if fmt == "jpeg":
        stripped = metadata_strip.strip_jpeg(data)
        if orientation != 1:
            stripped = metadata_strip.with_orientation(stripped, orientation)
        return RenditionOutput("original", stripped, content_type, ext, w, h)
    if orientation != 1:
        return None
    if fmt == "png":
        return RenditionOutput("original", metadata_strip.strip_png(data), content_type, ext, w, h)
    if fmt == "webp" and not getattr(image, "is_animated", False):
        return RenditionOutput("original", metadata_strip.strip_webp(data), content_type, ext, w, h)
    return None  # GIF (first frame) and HEIC
