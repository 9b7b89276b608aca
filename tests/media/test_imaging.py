"""The image pipeline on its own (no storage): orientation, colour, the cap and the master, for the
libvips path (JPEG) and the Pillow path (everything else)."""

import io

import pytest
from PIL import Image, ImageCms, ImageDraw, ImageOps

from fansub.media import imaging, vips_decode

RED, BLUE = (230, 20, 20), (20, 20, 230)


def _upright_scene(width: int, height: int) -> Image.Image:
    """Red top-left corner, blue bottom-right, grey elsewhere: any wrong rotation or flip moves them."""
    scene = Image.new("RGB", (width, height), (128, 128, 128))
    draw = ImageDraw.Draw(scene)
    draw.rectangle([0, 0, width // 4, height // 4], fill=RED)
    draw.rectangle([width - width // 4, height - height // 4, width, height], fill=BLUE)
    return scene


def _stored(scene: Image.Image, orientation: int) -> Image.Image:
    """What a camera writes for ``scene`` with this orientation tag (the inverse of exif_transpose)."""
    inverse = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}
    return scene.transpose(inverse[orientation]) if orientation in inverse else scene


def _jpeg(scene: Image.Image, orientation: int, *, icc: bool = True) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    extra = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()} if icc else {}
    out = io.BytesIO()
    _stored(scene, orientation).save(out, "JPEG", quality=92, exif=exif.tobytes(), **extra)
    return out.getvalue()


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(pixel, colour, strict=True))


def _renditions(result: imaging.ImageResult) -> dict[str, Image.Image]:
    return {r.kind: Image.open(io.BytesIO(r.data)) for r in result.renditions}


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_phone_jpeg_over_the_cap_comes_out_upright_at_the_cap(settings, orientation):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    result = imaging.process_image(_jpeg(_upright_scene(480, 640), orientation), "jpeg")
    out = _renditions(result)
    assert (result.width, result.height) == (480, 640)
    assert out["final"].size == (225, 300) and max(out["thumbnail"].size) <= settings.MEDIA_THUMBNAIL_SIDE
    for kind in ("final", "thumbnail"):
        picture = out[kind].convert("RGB")
        w, h = picture.size
        assert _close(picture.getpixel((w // 10, h // 10)), RED), kind
        assert _close(picture.getpixel((w - w // 10, h - h // 10)), BLUE), kind
        assert not out[kind].getexif() and "icc_profile" not in out[kind].info
    master = out["original"]
    upright = ImageOps.exif_transpose(master).convert("RGB")
    assert upright.size == (480, 640) and _close(upright.getpixel((40, 40)), RED)
    assert set(master.getexif()) <= {0x0112} and 0x010F not in master.getexif()


def test_without_libvips_the_pillow_path_gives_the_same_renditions(settings, monkeypatch):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    data = _jpeg(_upright_scene(480, 640), 6)
    with_vips = _renditions(imaging.process_image(data, "jpeg"))
    monkeypatch.setattr(vips_decode, "AVAILABLE", False)
    without = _renditions(imaging.process_image(data, "jpeg"))
    assert {k: v.size for k, v in with_vips.items()} == {k: v.size for k, v in without.items()}
    a, b = with_vips["final"].convert("RGB"), without["final"].convert("RGB")
    assert _close(a.getpixel((20, 20)), b.getpixel((20, 20)))


def test_a_jpeg_over_the_pixel_limit_is_refused_before_decoding(settings):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    settings.MEDIA_MAX_IMAGE_PIXELS = 480 * 640 - 1
    with pytest.raises(Image.DecompressionBombError):
        imaging.process_image(_jpeg(_upright_scene(480, 640), 6), "jpeg")


def test_a_truncated_jpeg_fails_as_content_not_as_a_crash(settings):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    data = _jpeg(_upright_scene(480, 640), 6)
    with pytest.raises(vips_decode.VipsError):
        imaging.process_image(data[: len(data) // 2], "jpeg")


def test_rotated_png_master_is_encoded_from_the_same_decode(settings):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    _stored(_upright_scene(480, 640), 6).save(out, "PNG", exif=exif.tobytes())
    result = imaging.process_image(out.getvalue(), "png")
    rendered = _renditions(result)
    assert rendered["original"].size == (480, 640) and not rendered["original"].getexif()
    assert _close(rendered["original"].convert("RGB").getpixel((40, 40)), RED)
    assert rendered["final"].size == (225, 300)


def test_transparent_png_over_the_cap_keeps_its_alpha_and_a_lossless_master(settings):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    scene = _upright_scene(640, 480).convert("RGBA")
    scene.paste((0, 0, 0, 0), (0, 240, 640, 480))  # bottom half transparent
    out = io.BytesIO()
    scene.save(out, "PNG")
    rendered = _renditions(imaging.process_image(out.getvalue(), "png"))
    final = rendered["final"]
    assert final.format == "WEBP" and final.size == (300, 225) and final.mode == "RGBA"
    assert final.getpixel((150, 200))[3] == 0 and final.getpixel((150, 20))[3] == 255
    assert _close(final.convert("RGB").getpixel((20, 20)), RED)
    assert rendered["original"].tobytes() == scene.tobytes()


def test_heic_with_a_profile_is_converted_after_downscaling_and_its_master_keeps_the_profile(settings):
    settings.MEDIA_FINAL_MAX_SIDE = 300
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _upright_scene(480, 640).save(out, "HEIF", quality=90, icc_profile=profile)
    rendered = _renditions(imaging.process_image(out.getvalue(), "heif"))
    assert rendered["final"].size == (225, 300) and "icc_profile" not in rendered["final"].info
    assert rendered["original"].size == (480, 640) and rendered["original"].info.get("icc_profile") == profile
    assert _close(rendered["final"].convert("RGB").getpixel((20, 20)), RED)


def test_libvips_downscale_of_decoded_pixels_matches_pillow_and_keeps_alpha():
    scene = _upright_scene(640, 480).convert("RGBA")
    scene.paste((0, 0, 0, 0), (0, 240, 640, 480))
    ours = vips_decode.downscale(scene, (320, 240))
    reference = scene.resize((320, 240), Image.Resampling.LANCZOS)
    assert ours.size == (320, 240) and ours.mode == "RGBA"
    assert ours.getpixel((160, 200))[3] == 0 and ours.getpixel((160, 20))[3] == 255
    for point in ((20, 20), (300, 100), (160, 60)):
        assert _close(ours.getpixel(point)[:3], reference.getpixel(point)[:3]), point
    flat = vips_decode.downscale(_upright_scene(640, 480), (213, 160))
    assert flat.mode == "RGB" and flat.size == (213, 160) and _close(flat.getpixel((10, 10)), RED)
