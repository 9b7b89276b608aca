"""The corpus goes through upload: good files reach ready with no metadata anywhere; bad ones are
refused with their codes and leave no file and no row."""

import io

import av
import pytest
from PIL import Image, ImageOps

from fansub.media import storage
from fansub.media.models import MediaItem, MediaState, RenditionKind
from telemetry.models import OutboxEvent
from tests.media import corpus

PERSONAL_BYTES = (b"Exif\x00\x00", b"PhoneMaker", b"SerialPhone", b"taken at home", b"Jane Private")


def _assert_no_metadata(rendition):
    data = storage.read_bytes(rendition.storage_key)
    content_type = getattr(rendition, "content_type", "video/mp2t")  # HLS segments carry no content type
    image = Image.open(io.BytesIO(data)) if content_type.startswith("image/") else None
    # A rotated JPEG's master keeps its pixels as shot plus an EXIF block with the orientation tag alone.
    orientation_only = image is not None and rendition.kind == "original" and set(image.getexif()) == {0x0112}
    for marker in PERSONAL_BYTES:
        if orientation_only and marker == b"Exif\x00\x00":
            assert data.count(marker) == 1 and len(image.info["exif"]) <= 40, "more than the orientation tag"
            continue
        assert marker not in data, f"{rendition} still carries {marker!r}"
    if image is not None:
        if not orientation_only:
            assert not image.getexif(), f"{rendition.kind} has EXIF"
        unwanted = {"xmp", "comment", "Author"} | (set() if orientation_only else {"exif"})
        assert not unwanted & set(image.info), f"{rendition.kind}: {image.info.keys()}"
    else:
        with av.open(io.BytesIO(data)) as container:
            tags = {**container.metadata, **{k: v for s in container.streams for k, v in s.metadata.items()}}
            assert "location" not in tags and "title" not in tags, tags
            assert [s.type for s in container.streams] in (["video", "audio"], ["video"])


@pytest.mark.django_db
def test_jpeg_with_gps_reaches_ready_oriented_and_without_metadata(creator, upload):
    data = corpus.jpeg_with_gps(640, 480, orientation=6)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)[2]  # the corpus really carries a location
    assert b"PhoneMaker" in data
    item = upload(creator, data, name="IMG_0001.JPG", content_type="image/jpeg")
    assert item.state == MediaState.READY
    assert (item.width, item.height) == (480, 640)  # orientation 6: a portrait photo
    kinds = {r.kind: r for r in item.renditions.all()}
    assert set(kinds) == {"original", "final", "thumbnail", "preview", "safe_preview"}
    for rendition in kinds.values():
        _assert_no_metadata(rendition)
    final = Image.open(io.BytesIO(storage.read_bytes(kinds["final"].storage_key)))
    assert final.size == (480, 640)
    master = Image.open(io.BytesIO(storage.read_bytes(kinds["original"].storage_key)))
    assert master.getexif() == {0x0112: 6} and ImageOps.exif_transpose(master).size == (480, 640)
    # Losslessly kept: the master's pixels are the upload's, not a re-encode.
    assert master.tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert len(item.sha256) == 64 and len(item.phash) == 16
    assert item.upload_key == "" and not any(k.endswith("upload.jpg") for k in storage.walk("media"))
    events = list(OutboxEvent.objects.filter(event_type__startswith="media.").values_list("event_type", flat=True))
    assert events.count("media.uploaded") == 1 and events.count("media.processed") == 1


@pytest.mark.django_db
def test_upright_jpeg_original_is_stripped_losslessly(creator, upload):
    data = corpus.jpeg_with_gps(320, 240, orientation=1)
    item = upload(creator, data, name="a.jpg")
    original = item.renditions.get(kind=RenditionKind.ORIGINAL)
    stored = storage.read_bytes(original.storage_key)
    _assert_no_metadata(original)
    # Same pixels as the upload: only segments were removed.
    assert Image.open(io.BytesIO(stored)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


@pytest.mark.django_db
def test_final_longest_side_is_capped(creator, upload, settings):
    settings.MEDIA_FINAL_MAX_SIDE = 200
    item = upload(creator, corpus.jpeg_with_gps(640, 480, orientation=1))
    final = item.renditions.get(kind="final")
    assert max(final.width, final.height) == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("maker", "name", "fmt"), [
    (lambda: corpus.png_bytes(alpha=True), "pic.png", "png"),
    (lambda: _save(corpus.picture(200, 150), "WEBP"), "pic.webp", "webp"),
    (lambda: _save(corpus.picture(200, 150), "HEIF"), "pic.heic", "heif"),
    (lambda: _gif(), "anim.gif", "gif"),
])
def test_other_image_formats_reach_ready(creator, upload, maker, name, fmt):
    item = upload(creator, maker(), name=name)
    assert item.state == MediaState.READY, item.failure_code
    assert item.source_format == fmt
    for rendition in item.renditions.all():
        _assert_no_metadata(rendition)


def _save(image, fmt):
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _gif():
    frames = [corpus.picture(120, 90, seed=i).convert("P") for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"taken at home")
    return out.getvalue()


@pytest.mark.django_db
def test_short_mp4_reaches_ready_with_h264_aac_faststart_final(creator, upload, tmp_path):
    data = corpus.mp4_bytes(tmp_path, seconds=1.5)
    with av.open(io.BytesIO(data)) as source:
        assert source.metadata.get("location")  # the corpus carries a location tag
    item = upload(creator, data, name="clip.mp4", content_type="video/mp4")
    assert item.state == MediaState.READY, item.failure_code
    assert item.kind == "video" and item.duration_ms == 1500 and (item.width, item.height) == (160, 120)
    kinds = {r.kind: r for r in item.renditions.all()}
    assert set(kinds) == {"original", "final", "poster", "thumbnail", "preview", "safe_preview", "stream"}
    stream = kinds.pop("stream")  # a JSON manifest; its A/B segments are media files like the others
    manifest = storage.read_bytes(stream.storage_key)
    assert not [m for m in (*PERSONAL_BYTES, b"My private title", b"48.8584") if m in manifest]
    segments = list(stream.segments.all())
    assert segments and {s.variant for s in segments} == {"a", "b"}
    for rendition in [*kinds.values(), *segments]:
        _assert_no_metadata(rendition)
    final = storage.read_bytes(kinds["final"].storage_key)
    assert final.index(b"moov") < final.index(b"mdat"), "faststart: the index comes first"
    with av.open(io.BytesIO(final)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"


BAD = {
    "png_bomb": (corpus.png_bomb, "bomb.png", "image/png", "MEDIA_TOO_LARGE", "pixels"),
    "renamed": (lambda: corpus.png_bytes(), "holiday.jpg", "", "MEDIA_TYPE_UNSUPPORTED", "type_mismatch"),
    "wrong_header": (lambda: corpus.png_bytes(), "", "image/jpeg", "MEDIA_TYPE_UNSUPPORTED", "type_mismatch"),
    "truncated_jpeg": (corpus.truncated_jpeg, "cut.jpg", "image/jpeg", "MEDIA_CORRUPT", None),
    "polyglot": (corpus.jpeg_zip_polyglot, "poly.jpg", "image/jpeg", "MEDIA_TYPE_UNSUPPORTED", "polyglot"),
    "html": (lambda: b"<html><script>alert(1)</script></html>", "x.jpg", "", "MEDIA_TYPE_UNSUPPORTED", None),
    "pdf": (lambda: b"%PDF-1.7\n" + b"0" * 100, "doc.pdf", "", "MEDIA_TYPE_UNSUPPORTED", "unsupported"),
    "empty_jpeg": (lambda: b"\xff\xd8\xff", "e.jpg", "", "MEDIA_CORRUPT", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_with_their_code_and_leave_nothing(creator, upload, stored_files, case, api_client):
    maker, name, content_type, code, reason = BAD[case]
    from common.errors import MediaCorrupt, MediaTooLarge, MediaTypeUnsupported

    with pytest.raises((MediaCorrupt, MediaTooLarge, MediaTypeUnsupported)) as caught:
        upload(creator, maker(), name=name, content_type=content_type)
    assert caught.value.code == code
    if reason:
        assert caught.value.details["reason"] == reason
    assert stored_files() == []
    assert not MediaItem.objects.exists()
    refused = OutboxEvent.objects.get(event_type="media.upload_refused")
    assert refused.envelope["payload"]["error_code"] == code


@pytest.mark.django_db
def test_truncated_mp4_is_refused(creator, upload, stored_files, tmp_path):
    data = corpus.mp4_bytes(tmp_path, seconds=1.0, faststart=True)
    from common.errors import MediaCorrupt

    with pytest.raises(MediaCorrupt):
        upload(creator, data[: len(data) * 3 // 4], name="cut.mp4")
    assert stored_files() == [] and not MediaItem.objects.exists()


@pytest.mark.django_db
def test_size_limits_are_settings(creator, upload, settings, stored_files):
    settings.MEDIA_MAX_IMAGE_BYTES = 1000
    from common.errors import MediaTooLarge

    with pytest.raises(MediaTooLarge) as caught:
        upload(creator, corpus.jpeg_with_gps(), name="big.jpg")
    assert caught.value.details == {"reason": "bytes", "limit_bytes": 1000, "kind": "image"}
    assert stored_files() == []


@pytest.mark.django_db
def test_pixel_limit_is_a_setting(creator, upload, settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 100 * 100
    from common.errors import MediaTooLarge

    with pytest.raises(MediaTooLarge):
        upload(creator, corpus.jpeg_with_gps(320, 240), name="a.jpg")


@pytest.mark.django_db
def test_only_creators_upload(fan, upload):
    from common.errors import CreatorRequired

    with pytest.raises(CreatorRequired):
        upload(fan, corpus.jpeg_with_gps(), name="a.jpg")
    assert not MediaItem.objects.exists()


@pytest.mark.django_db
def test_exact_duplicate_in_the_vault_is_reused(creator, upload, stored_files):
    data = corpus.jpeg_with_gps(orientation=1)
    first = upload(creator, data, name="a.jpg")
    files = stored_files()
    again = upload(creator, data, name="copy.jpg")
    assert again.pk == first.pk and MediaItem.objects.count() == 1
    assert stored_files() == files


@pytest.mark.django_db
def test_same_file_in_another_vault_is_a_separate_item(creator, upload):
    from tests.factories import make_creator

    data = corpus.jpeg_with_gps(orientation=1)
    assert upload(creator, data, name="a.jpg").pk != upload(make_creator(), data, name="a.jpg").pk
