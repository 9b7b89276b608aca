import numpy as np
import pytest

from fansub.media.watermark import codec, pattern

SCRAMBLE = pattern.layout("test-forensic-key").scramble


def _soft(coded: np.ndarray) -> np.ndarray:
    return 1.0 - 2.0 * coded.astype(float)


@pytest.mark.parametrize("delivery_id", [1, 2, 12345, 2**31, codec.MAX_ID])
def test_round_trip(delivery_id):
    coded = codec.encode(delivery_id, SCRAMBLE)
    assert coded.shape == (codec.CODED_BITS,)
    assert codec.decode(_soft(coded), SCRAMBLE) == delivery_id


@pytest.mark.parametrize("delivery_id", [0, -1, codec.MAX_ID + 1])
def test_rejects_ids_out_of_range(delivery_id):
    with pytest.raises(ValueError):
        codec.encode(delivery_id, SCRAMBLE)


def test_viterbi_corrects_noisy_channel():
    rng = np.random.default_rng(3)
    ok = 0
    for _ in range(40):
        delivery_id = int(rng.integers(1, 2**31))
        soft = _soft(codec.encode(delivery_id, SCRAMBLE)) + rng.normal(0, 1.0, codec.CODED_BITS)
        ok += codec.decode(soft, SCRAMBLE) == delivery_id
    # Chip SNR 1 leaves ~16 % of coded bits wrong on a hard decision; the code still recovers nearly all.
    assert ok >= 38


def test_crc_rejects_random_channels():
    rng = np.random.default_rng(4)
    assert all(codec.decode(rng.normal(0, 1, codec.CODED_BITS), SCRAMBLE) is None for _ in range(300))


def test_crc_rejects_a_codeword_with_a_flipped_payload_bit():
    bits = codec.payload_bits(99, SCRAMBLE)
    bits[5] ^= 1
    assert codec.decode(_soft(codec.conv_encode(bits)), SCRAMBLE) is None


def test_scramble_depends_on_key():
    other = pattern.layout("another-key").scramble
    assert not np.array_equal(other, SCRAMBLE)
