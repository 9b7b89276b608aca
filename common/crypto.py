"""Field-level encryption for records that must be unreadable at rest (identity documents, 2257 records).

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first. MultiFernet encrypts with the newest key and
decrypts with any, so a key is rotated by prepending a new one, re-encrypting (``rotate``), then dropping
the old one.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionFailed(Exception):
    pass


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    # Read settings on every call (cached per key tuple) so tests and rotations see the current keys.
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return cipher().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return cipher().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionFailed("ciphertext was not produced by any configured key") from exc


def encrypt_text(value: str) -> str:
    return encrypt_bytes(value.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode()


def rotate(token: bytes) -> bytes:
    """Re-encrypt under the newest key (used by the key-rotation command)."""
    return cipher().rotate(token)
