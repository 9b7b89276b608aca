"""Processing states, retries, failures, quarantine, and what the previews may reveal."""

import io

import pytest
from PIL import Image, ImageFilter

from common.errors import InvalidTransition
from fansub.media import imaging, storage
from fansub.media.models import MEDIA_TRANSITIONS, MediaItem, MediaState
from fansub.media.services import processing, screening
from fansub.media.tasks import process_media
from telemetry.models import OutboxEvent
from tests.media import corpus


@pytest.mark.django_db
def test_replaying_processing_of_a_ready_item_is_refused_and_the_task_is_a_no_op(creator, upload):
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    keys = sorted(item.renditions.values_list("storage_key", flat=True))
    with pytest.raises(InvalidTransition) as caught:
        processing.process_media_item(item.pk)
    assert caught.value.status == 409 and caught.value.code == "INVALID_TRANSITION"
    process_media.delay(item.pk)  # a redelivered message
    item.refresh_from_db()
    assert item.state == MediaState.READY and item.attempts == 1
    assert sorted(item.renditions.values_list("storage_key", flat=True)) == keys


def test_transition_table():
    assert MEDIA_TRANSITIONS.can("uploaded", "processing")
    assert not MEDIA_TRANSITIONS.can("failed", "processing")
    assert not MEDIA_TRANSITIONS.can("uploaded", "ready")
    assert not MEDIA_TRANSITIONS.can("ready", "processing")


@pytest.mark.django_db
def test_a_transient_error_is_retried_then_succeeds(creator, monkeypatch):
    real = imaging.process_image
    calls = {"n": 0}

    def flaky(data, fmt):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("storage hiccup")
        return real(data, fmt)

    monkeypatch.setattr(imaging, "process_image", flaky)
    from fansub.media.services import uploads

    data = corpus.jpeg_with_gps(orientation=1)
    pk = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="a.jpg").item.pk
    process_media.apply(args=(pk,), throw=False)  # eager apply runs each retry in turn
    item = MediaItem.objects.get()
    assert item.state == MediaState.READY and item.attempts == 2 and calls["n"] == 2


@pytest.mark.django_db
def test_retries_exhausted_fail_the_item_and_remove_its_files(creator, upload, monkeypatch, stored_files, settings):
    settings.MEDIA_PROCESSING_MAX_RETRIES = 0
    monkeypatch.setattr(imaging, "process_image", lambda data, fmt: (_ for _ in ()).throw(OSError("down")))
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    assert item.state == MediaState.FAILED and item.failure_code == "MEDIA_PROCESSING_FAILED"
    assert stored_files() == [] and not item.renditions.exists()
    assert OutboxEvent.objects.filter(event_type="media.failed").exists()


@pytest.mark.django_db
def test_a_content_error_fails_at_once_without_retry(creator, upload, monkeypatch, stored_files):
    from common.errors import MediaCorrupt

    def corrupt(data, fmt):
        raise MediaCorrupt()

    monkeypatch.setattr(imaging, "process_image", corrupt)
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    assert item.state == MediaState.FAILED and item.failure_code == "MEDIA_CORRUPT" and item.attempts == 1
    assert stored_files() == []
    # A failed item does not block uploading the same bytes again.
    monkeypatch.undo()
    again = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    assert again.pk != item.pk and again.state == MediaState.READY


@pytest.mark.django_db
def test_a_screener_quarantines_and_nobody_but_staff_is_served(creator, upload, client):
    def block_everything(item):
        return "hash_match"

    screening.register_screener(block_everything)
    try:
        item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    finally:
        screening.unregister_screener(block_everything)
    assert item.state == MediaState.QUARANTINED
    from fansub.media.services import access

    assert not access.can_view_final(creator, item)
    assert access.preview_kind_for(None, item, "preview") is None


@pytest.mark.django_db
def test_state_is_shown_while_processing(creator, api_client, django_capture_on_commit_callbacks):
    from fansub.media.services import uploads

    data = corpus.jpeg_with_gps(orientation=1)
    result = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="a.jpg")  # commit not run
    api_client.force_authenticate(creator)
    body = api_client.get(f"/api/v1/media/{result.item.public_id}/").json()
    assert body["state"] == "uploaded" and body["urls"] == {}


def _strong_edges(image: Image.Image) -> int:
    """The 99th percentile of edge strength inside the frame (0-255): high for bars and text."""
    edges = image.convert("L").filter(ImageFilter.FIND_EDGES)
    edges = edges.crop((2, 2, edges.width - 2, edges.height - 2))
    histogram, total, seen = edges.histogram(), edges.width * edges.height, 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= 0.99 * total:
            return value
    return 255


def test_preview_is_not_recognisable():
    source = corpus.picture(1200, 900)
    preview = imaging.blurred_preview(source.resize((320, 240)))
    assert max(preview.size) == 480
    same_size = source.resize(preview.size)
    # Sharp bars and text make strong edges; in the preview no edge stands out of the blur.
    assert _strong_edges(same_size) > 100
    assert _strong_edges(preview) < 16
    assert _strong_edges(imaging.safe_preview(source.resize((320, 240)))) < 16


@pytest.mark.django_db
def test_perceptual_hash_matches_a_resized_copy(creator, upload):
    import imagehash

    first = upload(creator, corpus.jpeg_with_gps(800, 600, orientation=1), name="a.jpg")
    smaller = io.BytesIO()
    Image.open(io.BytesIO(corpus.jpeg_with_gps(800, 600, orientation=1))).resize((400, 300)).save(smaller, "JPEG")
    second = upload(creator, smaller.getvalue(), name="b.jpg")
    distance = imagehash.hex_to_hash(first.phash) - imagehash.hex_to_hash(second.phash)
    assert first.sha256 != second.sha256 and distance <= 6


@pytest.mark.django_db
def test_item_deleted_while_processing_leaves_no_files(creator, monkeypatch, stored_files,
                                                       django_capture_on_commit_callbacks):
    from fansub.media.services import uploads

    data = corpus.jpeg_with_gps(orientation=1)
    result = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="a.jpg")
    real = imaging.process_image

    def delete_midway(data, fmt):
        out = real(data, fmt)
        MediaItem.objects.filter(pk=result.item.pk).delete()
        return out

    monkeypatch.setattr(imaging, "process_image", delete_midway)
    with django_capture_on_commit_callbacks(execute=True):
        processing.process_media_item(result.item.pk)
    assert stored_files() == []
    assert storage.private_storage().exists(result.item.upload_key) is False
