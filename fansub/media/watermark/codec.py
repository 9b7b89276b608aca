"""Payload code: a 32-bit delivery id protected by a CRC-32, scrambled with a key-derived mask.

64 payload bits = id (32, big-endian) || CRC-32(id). A random 64-bit word passes the check with
probability 2**-32, which is what keeps unmarked images from being "identified".
"""

from __future__ import annotations

import zlib

import numpy as np

ID_BITS = 32
MAX_ID = (1 << ID_BITS) - 1


def _to_bits(value: int, width: int) -> np.ndarray:
    return np.array([(value >> (width - 1 - i)) & 1 for i in range(width)], dtype=np.uint8)


def _from_bits(bits: np.ndarray) -> int:
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def _crc(delivery_id: int) -> int:
    return zlib.crc32(b"fansub-wm" + delivery_id.to_bytes(4, "big"))


def encode(delivery_id: int, scramble: np.ndarray) -> np.ndarray:
    if not 1 <= delivery_id <= MAX_ID:
        raise ValueError(f"delivery id must be in 1..{MAX_ID}")
    bits = np.concatenate([_to_bits(delivery_id, ID_BITS), _to_bits(_crc(delivery_id), 32)])
    return bits ^ scramble


def decode(bits: np.ndarray, scramble: np.ndarray) -> int | None:
    """The delivery id if the CRC matches, else None."""
    plain = bits.astype(np.uint8) ^ scramble
    delivery_id = _from_bits(plain[:ID_BITS])
    if delivery_id == 0 or _from_bits(plain[ID_BITS:]) != _crc(delivery_id):
        return None
    return delivery_id
