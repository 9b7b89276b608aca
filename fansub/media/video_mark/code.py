"""The viewer's code and how segments spell it.

A delivery code is a 16-bit number allocated per streamed item (1, 2, 3, ... in order of first play).
Its codeword is the 16 payload bits followed by a 12-bit CRC (polynomial 0x80F, CRC-12): 28 bits,
repeated over the whole video, one bit per segment (bit 0 -> variant A, 1 -> variant B). With
2-second segments one codeword spans 56 s, so any minute of the video holds every bit at least once.

The detector gets a signed confidence per segment (see ``detect``): bits seen several times are summed,
then decided; a codeword is accepted only when its CRC checks, trying at most the two least confident
bits flipped (a small Chase decoder). A CRC-12 passes random bits with probability 1/4096 (1/1024 with
the flips) and the detector first requires the mark to be present at all, so an unmarked or foreign
video names nobody.
"""

from __future__ import annotations

from itertools import combinations

PAYLOAD_BITS = 16
CRC_BITS = 12
CRC_POLY = 0x80F  # x^12 + x^11 + x^3 + x^2 + x + 1 (CRC-12)
LENGTH = PAYLOAD_BITS + CRC_BITS
MAX_CODE = (1 << PAYLOAD_BITS) - 1
MAX_FLIPS = 2


def crc(value: int, bits: int = PAYLOAD_BITS) -> int:
    register = 0
    for position in range(bits - 1, -1, -1):
        top = ((register >> (CRC_BITS - 1)) & 1) ^ ((value >> position) & 1)
        register = (register << 1) & ((1 << CRC_BITS) - 1)
        if top:
            register ^= CRC_POLY & ((1 << CRC_BITS) - 1)
    return register


def codeword(code: int) -> list[int]:
    """The 28 bits for ``code`` (1..MAX_CODE), most significant first."""
    if not 0 < code <= MAX_CODE:
        raise ValueError(f"delivery code out of range: {code}")
    word = (code << CRC_BITS) | crc(code)
    return [(word >> (LENGTH - 1 - i)) & 1 for i in range(LENGTH)]


def bit_for_segment(code: int, segment: int) -> int:
    return codeword(code)[segment % LENGTH]


def _value(bits: list[int]) -> int | None:
    word = 0
    for bit in bits:
        word = (word << 1) | bit
    payload, check = word >> CRC_BITS, word & ((1 << CRC_BITS) - 1)
    if payload == 0 or crc(payload) != check:
        return None
    return payload


def decode(soft: list[float | None]) -> int | None:
    """``soft[i]``: summed confidence for codeword position i (positive: B, i.e. bit 1; None: never seen).
    The code, or None when a position was never seen or no codeword within MAX_FLIPS checks."""
    if len(soft) != LENGTH or any(value is None for value in soft):
        return None
    hard = [1 if value > 0 else 0 for value in soft]  # type: ignore[operator]
    weakest = sorted(range(LENGTH), key=lambda i: abs(soft[i]))[:MAX_FLIPS]  # type: ignore[arg-type]
    for flips in range(MAX_FLIPS + 1):
        for chosen in combinations(weakest, flips):
            trial = list(hard)
            for i in chosen:
                trial[i] ^= 1
            found = _value(trial)
            if found is not None:
                return found
    return None
