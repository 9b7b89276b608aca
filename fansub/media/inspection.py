"""Deciding what a file is from its content alone, and refusing what we cannot safely handle.

The name and the declared Content-Type only serve to catch a mismatch; the type is decided by
magic bytes, then confirmed by a real parser (Pillow for images, a PyAV container probe for
video). Decompression bombs are refused from the header, before any pixel is decoded;
truncated files by a full decode pass (JPEG in draft mode: the whole entropy stream is still
read, at a quarter of the cost); polyglots by format-specific trailing-data checks and a scan
for the signatures of formats a browser or an unpacker would act on.
"""

import io
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageFile

from common.errors import MediaCorrupt, MediaTooLarge, MediaTypeUnsupported

try:  # HEIC/HEIF support is a plugin; without it HEIC is simply unsupported
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover
    HEIF_AVAILABLE = False

ImageFile.LOAD_TRUNCATED_IMAGES = False

IMAGE_FORMATS = {  # our name -> (Pillow format, content type, extension)
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "png": ("PNG", "image/png", "png"),
    "webp": ("WEBP", "image/webp", "webp"),
    "heif": ("HEIF", "image/heic", "heic"),
    "gif": ("GIF", "image/gif", "gif"),
}
VIDEO_FORMATS = {"mp4": ("video/mp4", "mp4"), "mov": ("video/quicktime", "mov"), "webm": ("video/webm", "webm")}

# What a name or a Content-Type may claim, grouped so that harmless aliases are not a mismatch
# (a .mov that is really MP4 is ordinary; a .jpg that is really PNG is not).
_FAMILY = {"jpeg": "jpeg", "png": "png", "webp": "webp", "heif": "heif", "gif": "gif",
           "mp4": "isobmff", "mov": "isobmff", "webm": "webm"}
_EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "webp": "webp",
               "heic": "heif", "heif": "heif", "hif": "heif", "gif": "gif", "mp4": "mp4", "m4v": "mp4",
               "mov": "mov", "qt": "mov", "webm": "webm"}
_CONTENT_TYPES = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/pjpeg": "jpeg", "image/png": "png",
                  "image/webp": "webp", "image/heic": "heif", "image/heif": "heif", "image/heic-sequence": "heif",
                  "image/gif": "gif", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
                  "video/x-m4v": "mp4"}
_NO_CLAIM_TYPES = {"", "application/octet-stream", "binary/octet-stream"}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP",
               b"dash", b"mmp4", b"3gp4", b"3gp5", b"3g2a", b"f4v "}
_MOV_BRANDS = {b"qt  "}
_MOV_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

# Signatures that make a file "also something else": markup a browser would run, archives and
# executables an unpacker or OS would act on.
_TEXT_MARKERS = re.compile(rb"<\s*(script|html|svg|iframe|body|!doctype)|<\?php|%PDF-", re.IGNORECASE)
_BINARY_TRAILERS = (b"PK\x03\x04", b"PK\x05\x06", b"%PDF", b"MZ", b"\x7fELF", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")


@dataclass(frozen=True)
class Inspection:
    kind: str  # image | video
    format: str  # one of IMAGE_FORMATS or VIDEO_FORMATS
    content_type: str
    extension: str
    width: int
    height: int
    duration_ms: int | None = None


# --- sniffing ---------------------------------------------------------------------------------

def sniff(head: bytes) -> str | None:
    """Our format name from the first bytes, or None when we do not handle the type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else None  # other Matroska files are not accepted
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        compatible = {head[i:i + 4] for i in range(16, min(len(head), 64), 4)}
        if brand in _HEIF_BRANDS:
            return "heif"
        if brand in _MOV_BRANDS:
            return "mov"
        if brand in _MP4_BRANDS or compatible & _MP4_BRANDS:
            return "mp4"
        return None
    if head[4:8] in _MOV_ATOMS:
        return "mov"
    return None


def kind_of(fmt: str) -> str:
    return "image" if fmt in IMAGE_FORMATS else "video"


def check_claims(fmt: str, *, name: str = "", content_type: str = "") -> None:
    """Refuse a file whose name or declared type claims another format than its content."""
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    claims = []
    if ext:
        claims.append(("name", _EXTENSIONS.get(ext, f"unknown:{ext}")))
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in _NO_CLAIM_TYPES:
        claims.append(("content_type", _CONTENT_TYPES.get(declared, f"unknown:{declared}")))
    for source, claimed in claims:
        if _FAMILY.get(claimed) != _FAMILY[fmt]:
            raise MediaTypeUnsupported(
                "The file's content does not match its name or declared type.",
                details={"reason": "type_mismatch", "detected": fmt, "claimed_by": source},
            )


def size_limit(kind: str) -> int:
    return settings.MEDIA_MAX_IMAGE_BYTES if kind == "image" else settings.MEDIA_MAX_VIDEO_BYTES


def check_size(kind: str, size: int) -> None:
    limit = size_limit(kind)
    if size > limit:
        raise MediaTooLarge(details={"reason": "bytes", "limit_bytes": limit, "kind": kind})
    if size == 0:
        raise MediaCorrupt("The file is empty.", details={"reason": "empty"})


# --- polyglots --------------------------------------------------------------------------------

def _polyglot(reason: str) -> MediaTypeUnsupported:
    return MediaTypeUnsupported("The file carries another format inside it and was refused.",
                                details={"reason": "polyglot", "where": reason})


def _check_trailing(trailer: bytes) -> None:
    if trailer.rstrip(b"\x00"):
        raise _polyglot("trailing_data")


def _check_jpeg_trailer(data: bytes, end: int) -> None:
    """After a JPEG's EOI only zero padding, or — when the primary image declares a Multi-Picture Format index
    (APP2 "MPF") — further complete JPEG frames, each parsed to its own EOI. Anything else (an ELF, a ZIP, a
    blob that merely starts with FF D8 FF) is refused."""
    rest = data[end:].rstrip(b"\x00")
    declares_mpf = b"\xff\xe2" in data[:end] and b"MPF\x00" in data[:end]
    frames = 0
    while rest:
        if not (declares_mpf and rest.startswith(b"\xff\xd8\xff")) or frames >= 16:
            raise _polyglot("trailing_data")
        try:
            frame_end = _jpeg_end(rest)
        except MediaCorrupt:
            raise _polyglot("trailing_data") from None
        rest = rest[frame_end:].rstrip(b"\x00")
        frames += 1


def _skip_gif_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        if pos >= len(data):
            raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_end(data: bytes) -> int:
    """Offset just past the GIF trailer (0x3B), walking the block structure."""
    if len(data) < 13:
        raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return pos + 1
        if block == 0x21:  # extension: label, then data sub-blocks
            pos = _skip_gif_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor, optional local colour table, LZW code size, data sub-blocks
            if pos + 10 > len(data):
                break
            local = data[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 0x07) + 1) if local & 0x80 else 0)
            pos = _skip_gif_sub_blocks(data, pos + 1)
        else:
            raise MediaCorrupt(details={"reason": "bad_block"})
    raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})


def _jpeg_end(data: bytes) -> int:
    """Offset just past the EOI of the primary image (segments are skipped, so EXIF thumbnails don't count)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise MediaCorrupt(details={"reason": "bad_segment"})
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: entropy-coded data follows; 0xFF is always stuffed there
            end = data.find(b"\xff\xd9", pos)
            if end < 0:
                raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})
            return end + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        pos += 2 + length
    raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})


def _png_end(data: bytes) -> int:
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        pos += 12 + length
        if ctype == b"IEND":
            return pos
    raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})


def check_image_polyglot(fmt: str, data: bytes) -> None:
    if _TEXT_MARKERS.search(data):
        raise _polyglot("embedded_markup")
    if fmt == "jpeg":
        _check_jpeg_trailer(data, _jpeg_end(data))
    elif fmt == "gif":
        _check_trailing(data[_gif_end(data):])
    elif fmt == "png":
        _check_trailing(data[_png_end(data):])
    elif fmt == "webp":
        (riff_size,) = struct.unpack("<I", data[4:8])
        if riff_size + 8 > len(data):
            raise MediaCorrupt("The image is incomplete.", details={"reason": "truncated"})
        _check_trailing(data[riff_size + 8 + (riff_size & 1):])
    tail = data[-65_558:]
    if b"PK\x05\x06" in tail:  # a ZIP's end-of-central-directory record
        raise _polyglot("archive")


# --- images -----------------------------------------------------------------------------------

def open_image(data: bytes, fmt: str) -> Image.Image:
    """Open with only the detected format's decoder allowed; the header is parsed, no pixel decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[fmt][0]])
    except Image.DecompressionBombError as exc:
        raise MediaTooLarge(details={"reason": "pixels", "limit_pixels": settings.MEDIA_MAX_IMAGE_PIXELS}) from exc
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise MediaCorrupt(details={"reason": "unreadable"}) from exc
    if image.width * image.height > settings.MEDIA_MAX_IMAGE_PIXELS or image.width < 1 or image.height < 1:
        raise MediaTooLarge("The image has too many pixels.",
                            details={"reason": "pixels", "limit_pixels": settings.MEDIA_MAX_IMAGE_PIXELS})
    return image


def inspect_image(data: bytes, fmt: str) -> Inspection:
    if fmt == "heif" and not HEIF_AVAILABLE:  # pragma: no cover
        raise MediaTypeUnsupported(details={"reason": "unsupported", "detected": fmt})
    check_image_polyglot(fmt, data)
    image = open_image(data, fmt)
    width, height = image.size
    try:
        image.verify()  # structural checks (PNG CRCs, chunk order)
        image = open_image(data, fmt)
        if fmt == "jpeg":
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()  # decodes the whole stream: a truncated file fails here
    except Image.DecompressionBombError as exc:
        raise MediaTooLarge(details={"reason": "pixels", "limit_pixels": settings.MEDIA_MAX_IMAGE_PIXELS}) from exc
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise MediaCorrupt("The image is damaged or incomplete.", details={"reason": "undecodable"}) from exc
    _, content_type, ext = IMAGE_FORMATS[fmt]
    return Inspection("image", fmt, content_type, ext, width, height)


# --- video ------------------------------------------------------------------------------------

def _check_isobmff_atoms(path: Path) -> None:
    """Every top-level box must fit in the file: a cut-off upload fails here even with moov first."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        pos = 0
        while pos < size:
            handle.seek(pos)
            header = handle.read(16)
            if len(header) < 8:
                raise _polyglot("trailing_data") if header.strip(b"\x00") else MediaCorrupt(
                    details={"reason": "truncated"})
            (box_size,) = struct.unpack(">I", header[:4])
            box_type = header[4:8]
            if not re.fullmatch(rb"[a-zA-Z0-9 \xa9_\-]{4}", box_type):
                raise _polyglot("trailing_data")
            if box_size == 1:
                (box_size,) = struct.unpack(">Q", header[8:16])
            elif box_size == 0:
                box_size = size - pos
            if box_size < 8 or pos + box_size > size:
                raise MediaCorrupt("The video is incomplete.", details={"reason": "truncated"})
            pos += box_size


def _check_video_markers(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(1024 * 1024)
        handle.seek(max(0, size - 1024 * 1024))
        tail = handle.read()
    if _TEXT_MARKERS.search(head) or _TEXT_MARKERS.search(tail) or b"PK\x05\x06" in tail[-65_558:]:
        raise _polyglot("embedded_markup")


def inspect_video(path: Path, fmt: str) -> Inspection:
    import av

    _check_video_markers(path)
    if fmt in ("mp4", "mov"):
        _check_isobmff_atoms(path)
    expected = {"mp4": "mov,mp4,m4a,3gp,3g2,mj2", "mov": "mov,mp4,m4a,3gp,3g2,mj2", "webm": "matroska,webm"}[fmt]
    try:
        with av.open(str(path), mode="r") as container:
            if container.format.name != expected:
                raise MediaTypeUnsupported(details={"reason": "type_mismatch", "detected": container.format.name})
            if not container.streams.video:
                raise MediaTypeUnsupported("The file has no video track.", details={"reason": "no_video"})
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if not width or not height:
                raise MediaCorrupt(details={"reason": "no_dimensions"})
            if width * height > settings.MEDIA_MAX_IMAGE_PIXELS:
                raise MediaTooLarge(details={"reason": "pixels", "limit_pixels": settings.MEDIA_MAX_IMAGE_PIXELS})
            duration_ms = _duration_ms(container, stream)
            if duration_ms is not None and duration_ms > settings.MEDIA_MAX_VIDEO_SECONDS * 1000:
                raise MediaTooLarge(details={"reason": "duration", "limit_seconds": settings.MEDIA_MAX_VIDEO_SECONDS})
            if _first_frame(container, stream) is None:
                raise MediaCorrupt("The video has no decodable frame.", details={"reason": "undecodable"})
    except av.FFmpegError as exc:
        raise MediaCorrupt("The video is damaged or incomplete.", details={"reason": "unreadable"}) from exc
    content_type, ext = VIDEO_FORMATS[fmt]
    return Inspection("video", fmt, content_type, ext, width, height, duration_ms)


def _duration_ms(container, stream) -> int | None:  # noqa: ANN001
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration / 1000)  # container.duration is in microseconds
    return None


def _first_frame(container, stream):  # noqa: ANN001
    for packet in container.demux(stream):
        for frame in packet.decode():
            return frame
    return None
