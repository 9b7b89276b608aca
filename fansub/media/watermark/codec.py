"""Payload code: a 32-bit delivery id, a CRC-32 over it, then a K=9 rate-1/4 convolutional code.

64 payload bits = id (32, big-endian) || CRC-32(id), XOR-ed with a key-derived mask so that small ids
do not give near-constant patterns. The convolutional code (generators 463, 535, 733, 745 octal, free
distance 24, zero-tailed) is decoded with a soft-decision Viterbi decoder; the CRC then accepts or
rejects the result. A random decode passes the CRC with probability 2**-32, which keeps unmarked
images from ever being "identified" even after many synchronisation attempts.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

ID_BITS = 32
MAX_ID = (1 << ID_BITS) - 1
PAYLOAD_BITS = 64
CONSTRAINT = 9
GENERATORS = (0o463, 0o535, 0o733, 0o745)
STEPS = PAYLOAD_BITS + CONSTRAINT - 1
CODED_BITS = STEPS * len(GENERATORS)


def _to_bits(value: int, width: int) -> np.ndarray:
    return np.array([(value >> (width - 1 - i)) & 1 for i in range(width)], dtype=np.uint8)


def _from_bits(bits: np.ndarray) -> int:
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def _crc(delivery_id: int) -> int:
    return zlib.crc32(b"fansub-wm" + delivery_id.to_bytes(4, "big"))


def _parity(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    for shift in (16, 8, 4, 2, 1):
        x ^= x >> shift
    return x & 1


@lru_cache(maxsize=1)
def _trellis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each next state: its two predecessor states, the input bit, and the branch outputs (+1/-1)."""
    n_states = 1 << (CONSTRAINT - 1)
    nxt = np.arange(n_states)
    bit = nxt >> (CONSTRAINT - 2)
    pred = np.stack([((nxt & (n_states // 2 - 1)) << 1) | lsb for lsb in (0, 1)])  # (2, n_states)
    reg = (bit[None, :] << (CONSTRAINT - 1)) | pred
    out = np.stack([_parity(reg & g) for g in GENERATORS], axis=-1)  # (2, n_states, R)
    return pred, bit, 1.0 - 2.0 * out


def payload_bits(delivery_id: int, scramble: np.ndarray) -> np.ndarray:
    if not 1 <= delivery_id <= MAX_ID:
        raise ValueError(f"delivery id must be in 1..{MAX_ID}")
    bits = np.concatenate([_to_bits(delivery_id, ID_BITS), _to_bits(_crc(delivery_id), 32)])
    return bits ^ scramble


def conv_encode(bits: np.ndarray) -> np.ndarray:
    state = 0
    out = []
    for b in list(bits) + [0] * (CONSTRAINT - 1):
        reg = (int(b) << (CONSTRAINT - 1)) | state
        out.extend(bin(reg & g).count("1") & 1 for g in GENERATORS)
        state = reg >> 1
    return np.array(out, dtype=np.uint8)


def encode(delivery_id: int, scramble: np.ndarray) -> np.ndarray:
    """CODED_BITS channel bits for a delivery id."""
    return conv_encode(payload_bits(delivery_id, scramble))


def viterbi(soft: np.ndarray) -> np.ndarray:
    """Most likely payload bits given soft channel values (positive = bit 0), zero-tailed trellis."""
    pred, bit, out = _trellis()
    n_states = pred.shape[1]
    soft = soft.reshape(STEPS, len(GENERATORS))
    metric = np.full(n_states, -np.inf)
    metric[0] = 0.0
    choices = np.empty((STEPS, n_states), dtype=np.uint8)
    for t in range(STEPS):
        cand = metric[pred] + out @ soft[t]  # (2, n_states)
        pick = (cand[1] > cand[0]).astype(np.uint8)
        choices[t] = pick
        metric = np.where(pick, cand[1], cand[0])
    state = 0
    decided = np.empty(STEPS, dtype=np.uint8)
    for t in range(STEPS - 1, -1, -1):
        decided[t] = bit[state]
        state = pred[choices[t, state], state]
    return decided[:PAYLOAD_BITS]


def decode(soft: np.ndarray, scramble: np.ndarray) -> int | None:
    """The delivery id if the decoded payload's CRC matches, else None."""
    plain = viterbi(soft) ^ scramble
    delivery_id = _from_bits(plain[:ID_BITS])
    if delivery_id == 0 or _from_bits(plain[ID_BITS:]) != _crc(delivery_id):
        return None
    return delivery_id
