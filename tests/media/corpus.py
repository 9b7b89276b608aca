"""The test corpus, made by the tests: good files with personal metadata, and hostile ones."""

import io
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

GPS_LAT = 48.858370


def picture(width: int = 640, height: int = 480, *, seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 255, width)[None, :]
    y = np.linspace(0, 255, height)[:, None]
    arr = np.stack([(x + y) / 2 + 0 * y, x * 0.3 + y * 0.7, 255 - (x + y) / 2], -1)
    arr = arr + rng.normal(0, 8, (height, width, 3))
    image = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, max(8, width // 16)):  # sharp edges a blur must remove
        draw.rectangle([i, height // 3, i + max(4, width // 32), 2 * height // 3], fill=(0, 0, 0))
    draw.text((10, 10), "SECRET FACE", fill=(255, 255, 255))
    return image


def jpeg_with_gps(width: int = 640, height: int = 480, *, orientation: int = 6, seed: int = 1) -> bytes:
    image = picture(width, height, seed=seed)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SerialPhone 12"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 30.13)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png_bytes(width: int = 320, height: int = 240, *, alpha: bool = False) -> bytes:
    image = picture(width, height)
    if alpha:
        image = image.convert("RGBA")
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Private")
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def png_bomb(side: int = 30_000) -> bytes:
    """A small file that declares side x side pixels (900 MP): zeros compress to almost nothing."""
    raw_row = b"\x00" + b"\x00" * side  # filter byte + greyscale pixels
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(raw_row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    data = jpeg_with_gps(orientation=1)
    return data[: len(data) * 2 // 3]


def jpeg_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<html><script>alert(1)</script></html>")
    return jpeg_with_gps(orientation=1) + archive.getvalue()


def mp4_bytes(tmp_path: Path, *, seconds: float = 1.0, fps: int = 10, size: tuple[int, int] = (160, 120),
              audio: bool = True, faststart: bool = False) -> bytes:
    path = tmp_path / f"clip-{seconds}-{audio}-{faststart}.mp4"
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        out.metadata["title"] = "My private title"
        out.metadata["location"] = "+48.8584+002.2945/"
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        audio_stream = None
        if audio:
            audio_stream = out.add_stream("aac", rate=44100)
            audio_stream.layout = "mono"
        frames = int(seconds * fps)
        for i in range(frames):
            frame = av.VideoFrame.from_image(picture(size[0], size[1], seed=i))
            frame.pts = None
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio_stream is not None:
            samples = int(44100 * seconds)
            tone = (np.sin(np.arange(samples) * 2 * np.pi * 440 / 44100) * 0.2).astype("float32")
            pts = 0
            for start in range(0, samples, 1024):
                chunk = tone[start:start + 1024]
                aframe = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
                aframe.sample_rate = 44100
                aframe.pts = pts
                aframe.time_base = Fraction(1, 44100)
                pts += len(chunk)
                out.mux(audio_stream.encode(aframe))
            out.mux(audio_stream.encode(None))
    return path.read_bytes()
