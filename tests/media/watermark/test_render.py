import io

import numpy as np
import pytest
from PIL import Image

from fansub.media.watermark import (
    cached_prepare,
    embed,
    identify_image,
    prepare_final,
    render_delivery,
    watermark_image,
)
from fansub.media.watermark.detect import detect
from tests.media.watermark.attacks import jpeg
from tests.media.watermark.conftest import KEY
from tests.media.watermark.synthetic import natural_image


def _luma_psnr(prepared, delivery_id):
    change = embed.delta(prepared.strength, embed.tile_fixed(delivery_id, KEY)).astype(np.float64)
    return 10 * np.log10(255**2 / np.mean(change**2))


def test_delivery_is_a_jpeg_of_the_same_size(small_final):
    data = render_delivery(prepare_final(small_final), handle="ada", delivery_id=42, key=KEY)
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG" and out.size == small_final.size


def test_delivery_is_identified(small_final):
    data = render_delivery(prepare_final(small_final), handle="ada", delivery_id=987654321, key=KEY)
    found = detect(Image.open(io.BytesIO(data)), KEY)
    assert found is not None and found.delivery_id == 987654321


def test_each_delivery_gets_its_own_id(small_final):
    prepared = prepare_final(small_final)
    a = watermark_image(prepared, handle="ada", delivery_id=1, key=KEY)
    b = watermark_image(prepared, handle="ada", delivery_id=2, key=KEY)
    assert detect(a, KEY).delivery_id == 1
    assert detect(b, KEY).delivery_id == 2


def test_other_key_reads_nothing(small_final):
    marked = watermark_image(prepare_final(small_final), handle="ada", delivery_id=5, key=KEY)
    assert detect(jpeg(marked, 90), "some-other-deployment-key") is None


def test_unmarked_image_reads_nothing(small_final):
    assert detect(small_final, KEY) is None


def test_identify_uses_the_configured_key(settings, small_final):
    settings.WATERMARK_FORENSIC_KEY = KEY
    marked = watermark_image(prepare_final(small_final), handle="ada", delivery_id=77, key=KEY)
    assert identify_image(marked).delivery_id == 77
    settings.WATERMARK_FORENSIC_KEY = "rotated"
    assert identify_image(marked) is None


def test_forensic_mark_is_invisible_by_psnr():
    for seed in range(5):
        prepared = prepare_final(natural_image(seed, longest=1024))
        assert _luma_psnr(prepared, 123456) >= 38.0


def test_forensic_mark_leaves_colour_alone(small_final):
    prepared = prepare_final(small_final)
    marked = watermark_image(prepared, handle="ada", delivery_id=9, key=KEY)
    assert marked.mode == "YCbCr"
    _, cb, cr = marked.split()
    assert cb.tobytes() == prepared.cb.tobytes() and cr.tobytes() == prepared.cr.tobytes()


def test_exif_orientation_is_applied():
    upright = natural_image(3, longest=600)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buf = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(buf, "JPEG", exif=exif.tobytes())
    buf.seek(0)
    prepared = prepare_final(Image.open(buf))
    assert prepared.size == upright.size


def test_non_rgb_finals_are_accepted():
    for mode in ("L", "RGBA", "P"):
        image = natural_image(4, longest=512).convert(mode)
        data = render_delivery(prepare_final(image), handle="ada", delivery_id=3, key=KEY)
        assert Image.open(io.BytesIO(data)).size == image.size


@pytest.mark.parametrize("style", ["tiled", "corner"])
def test_visible_mark_does_not_hide_the_forensic_one(small_final, style):
    prepared = prepare_final(small_final)
    marked = watermark_image(prepared, handle="a_long_handle_name", delivery_id=31337, style=style, key=KEY)
    assert detect(jpeg(marked, 80), KEY).delivery_id == 31337


def test_prepared_finals_are_cached_and_bounded_in_bytes(settings, small_final):
    settings.WATERMARK_CACHE_BYTES = 4 * small_final.width * small_final.height  # room for exactly one
    loads = []

    def load():
        loads.append(1)
        return small_final

    first = cached_prepare(("rendition", 1), load)
    assert cached_prepare(("rendition", 1), load) is first
    cached_prepare(("rendition", 2), load)
    assert cached_prepare(("rendition", 1), load) is not first
    assert len(loads) == 3
    assert first.nbytes == 4 * small_final.width * small_final.height


def test_the_prepared_cache_never_holds_more_bytes_than_its_budget(settings, small_final):
    one = 4 * small_final.width * small_final.height
    settings.WATERMARK_CACHE_BYTES = int(2.5 * one)
    from fansub.media.watermark.render import prepared_cache

    for key in range(5):
        cached_prepare(("rendition", key), lambda: small_final)
    assert len(prepared_cache()) == 2 and prepared_cache().nbytes == 2 * one
    settings.WATERMARK_CACHE_BYTES = one - 1  # smaller than one final: served, never kept
    cached_prepare(("rendition", 9), lambda: small_final)
    assert len(prepared_cache()) == 0 and prepared_cache().nbytes == 0
