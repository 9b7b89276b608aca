"""Lossless metadata removal at the container level (the pixels are not touched).

Used for the stored master ("original") so that it keeps its full quality but loses EXIF (GPS,
camera serials), XMP, IPTC, comments and anything appended after the image.
"""

import struct

_JPEG_KEEP_APP = {0xE2, 0xEE}  # APP2 (ICC colour profile) and APP14 (Adobe colour transform)
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs",
             b"bKGD"}
_WEBP_DROP = {b"EXIF", b"XMP "}


def _scan_end(data: bytes, pos: int) -> int:
    """Offset of the first marker after entropy-coded data starting at ``pos`` (stuffed FF 00 and restart
    markers belong to the data)."""
    while True:
        j = data.find(b"\xff", pos)
        if j < 0 or j + 1 >= len(data):
            raise ValueError("scan data runs to the end of the file")
        following = data[j + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos = j + 2
        elif following == 0xFF:  # fill bytes before a marker
            pos = j + 1
        else:
            return j


def strip_jpeg(data: bytes) -> bytes:
    """Keep the image segments only, wherever metadata sits: a progressive JPEG may carry APPn/COM segments
    between its scans, so every segment up to EOI is walked (nothing after EOI is kept)."""
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError("bad segment")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos:pos + 2]
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos:pos + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF
        is_icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        is_adobe = marker == 0xEE and segment[4:9] == b"Adobe"
        if marker != 0xFE and (not is_app or is_icc or is_adobe):
            out += segment
        pos += 2 + length
        if marker == 0xDA:  # start of scan: its entropy-coded data follows, up to the next marker
            scan_end = _scan_end(data, pos)
            out += data[pos:scan_end]
            pos = scan_end
    raise ValueError("no end of image")


def strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        if ctype in _PNG_KEEP:
            out += chunk
        pos += 12 + length
        if ctype == b"IEND":
            break
    return bytes(out)


def strip_webp(data: bytes) -> bytes:
    chunks = bytearray()
    pos = 12
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = min(len(data), riff_size + 8)
    while pos + 8 <= end:
        ctype = data[pos:pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4:pos + 8])
        padded = length + (length & 1)
        chunk = bytearray(data[pos:pos + 8 + padded])
        if ctype == b"VP8X":
            chunk[8] &= ~0x0C & 0xFF  # clear the EXIF and XMP presence flags
        if ctype not in _WEBP_DROP:
            chunks += chunk
        pos += 8 + padded
    return b"RIFF" + struct.pack("<I", len(chunks) + 4) + b"WEBP" + bytes(chunks)


def with_orientation(stripped: bytes, orientation: int) -> bytes:
    """A stripped JPEG with an EXIF block holding only the orientation tag (inserted after SOI)."""
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">HHHIHHI", 1, 0x0112, 3, 1, orientation, 0, 0)
    body = b"Exif\x00\x00" + tiff
    return stripped[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + stripped[2:]
