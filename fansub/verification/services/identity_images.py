"""Identity images (ID copy, selfie): checked to be real images by content, stored only encrypted."""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, UnidentifiedImageError

from common import crypto
from common.errors import ValidationFailed

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MIN_SIDE = 64
MAX_PIXELS = 40_000_000  # decoding is bounded well below Pillow's bomb limit


def read_upload(upload: object, field: str) -> bytes:
    if upload is None:
        raise ValidationFailed(details={field: ["This file is required."]})
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IDENTITY_UPLOAD_MAX_BYTES:
        raise ValidationFailed(details={field: ["The file is too large."]})
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(data) > settings.IDENTITY_UPLOAD_MAX_BYTES:
        raise ValidationFailed(details={field: ["The file is too large."]})
    return data


def validate_image(data: bytes, field: str) -> None:
    """Refuse anything that is not a decodable JPEG/PNG/WebP, whatever its name or declared type says."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.size[0] * probe.size[1] > MAX_PIXELS:
                raise ValidationFailed(details={field: ["The photo is too large."]})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode pixels; a truncated file fails here
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(details={field: ["Upload a JPEG, PNG or WebP photo."]})
    if fmt not in ALLOWED_FORMATS:
        raise ValidationFailed(details={field: ["Upload a JPEG, PNG or WebP photo."]})
    if min(width, height) < MIN_SIDE:
        raise ValidationFailed(details={field: ["The photo is too small to review."]})


def store_encrypted(data: bytes) -> str:
    """Write the encrypted bytes under a random name (no original file name) in private storage."""
    storage = storages["private"]
    return storage.save(f"identity/{uuid.uuid4().hex}.fernet", ContentFile(crypto.encrypt_bytes(data)))


def read_decrypted(path: str) -> bytes:
    with storages["private"].open(path, "rb") as handle:
        return crypto.decrypt_bytes(handle.read())


def delete(path: str) -> None:
    if path:
        storages["private"].delete(path)


def sniff_content_type(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as image:
        return Image.MIME.get(image.format or "", "application/octet-stream")
