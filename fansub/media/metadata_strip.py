"""Lossless metadata removal at the container level (the pixels are not touched).

Used for the stored master ("original") so that it keeps its full quality but loses EXIF (GPS,
camera serials), XMP, IPTC, comments and anything appended after the image.
"""

import struct

_JPEG_KEEP_APP = {0xE2, 0xEE}  # APP2 (ICC colour profile) and APP14 (Adobe colour transform)
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs",
             b"bKGD"}
_WEBP_DROP = {b"EXIF", b"XMP "}


def strip_jpeg(data: bytes) -> bytes:
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 4 <= len(data):
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: copy the entropy-coded data up to and including EOI
            end = data.find(b"\xff\xd9", pos)
            out += data[pos:end + 2]
            return bytes(out)
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos:pos + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF
        is_icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        is_adobe = marker == 0xEE and segment[4:9] == b"Adobe"
        if marker != 0xFE and (not is_app or is_icc or is_adobe):
            out += segment
        pos += 2 + length
    raise ValueError("no scan data")


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
