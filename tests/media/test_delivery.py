"""Finals are never public: signed, expiring URLs bound to viewer, item and rendition, after the
entitlement check; previews follow the post-card rules; every final carries the viewer's marks."""

import io
import logging
import time

import pytest
from django.urls import reverse
from PIL import Image

from fansub.media import storage
from fansub.media.models import Delivery, RenditionKind, UseKind
from fansub.media.services import delivery, signing, uses, watermarking
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from tests.factories import make_fan, make_post, make_staff, verified_login
from tests.media import corpus


def _signed(viewer, item, kind):
    return reverse("media-signed", kwargs={"token": signing.sign(viewer.pk, item.pk, kind)})


def _preview(item, kind):
    return reverse("media-preview", kwargs={"public_id": item.public_id, "kind": kind})


def _on_locked_post(creator, item):
    """Shown (locked) on a subscribers-only post: anyone may know the item and see its preview (issue 10:
    a vault item attached to nothing is its owner's only)."""
    posts.create_post(creator, PostInput(text="locked", audience=AudienceSpec(subscribers=True),
                                         media_ids=(str(item.public_id),)))
    return item


@pytest.fixture
def image_item(creator, upload):
    return _on_locked_post(creator, upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg"))


@pytest.fixture
def video_item(creator, upload, tmp_path):
    return _on_locked_post(creator, upload(creator, corpus.mp4_bytes(tmp_path, seconds=1.0), name="c.mp4"))


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["image_item", "video_item"])
def test_unentitled_viewer_gets_403_for_every_rendition_except_previews(client, fan, request, which):
    item = request.getfixturevalue(which)
    client.force_login(fan)
    for rendition in item.renditions.all():
        if rendition.kind in (RenditionKind.PREVIEW, RenditionKind.THUMBNAIL, RenditionKind.SAFE_PREVIEW):
            response = client.get(_preview(item, rendition.kind))
            assert response.status_code == 200, rendition.kind
        # Even holding a correctly signed URL for themselves, the entitlement check refuses them.
        response = client.get(_signed(fan, item, rendition.kind))
        assert response.status_code == 403, rendition.kind
        assert response.json()["error"]["code"] in ("NOT_ENTITLED", "SIGNED_URL_INVALID")
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_unentitled_thumbnail_is_the_blurred_preview(client, fan, image_item):
    client.force_login(fan)
    preview = storage.read_bytes(image_item.renditions.get(kind="preview").storage_key)
    assert _body(client.get(_preview(image_item, "thumbnail"))) == preview


@pytest.mark.django_db
def test_rendition_urls_offer_only_what_the_viewer_may_load(fan, image_item, entitle):
    from fansub.media.selectors import rendition_urls

    urls = rendition_urls(fan, image_item)
    assert urls["final"] is None and urls["original"] is None and urls["preview"]
    entitle(fan.pk)
    urls = rendition_urls(fan, image_item)
    assert urls["final"] and urls["original"] is None


@pytest.mark.django_db
def test_entitled_viewer_gets_a_watermarked_final_with_a_delivery_id(client, fan, image_item, entitle):
    entitle(fan.pk)
    client.force_login(fan)
    response = client.get(_signed(fan, image_item, "final"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    delivered = _body(response)
    final = storage.read_bytes(image_item.renditions.get(kind="final").storage_key)
    assert delivered != final
    marked = Image.open(io.BytesIO(delivered))
    assert marked.size == Image.open(io.BytesIO(final)).size and not marked.getexif()
    row = Delivery.objects.get()
    assert row.viewer == fan and row.media_item == image_item and row.watermark_engine == watermarking.ENGINE
    assert row.cached_key and storage.private_storage().exists(row.cached_key)
    # A second load serves the cached copy, the same delivery id.
    assert _body(client.get(_signed(fan, image_item, "final"))) == delivered
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_a_leaked_delivery_names_its_viewer(client, creator, upload, fan, entitle, tmp_path):
    """The delivered final carries a forensic mark that watermark_identify traces back to this delivery,
    even after the leaker recompresses (q70), halves and crops it."""
    from django.core.management import call_command

    from fansub.media.watermark.render import prepared_cache

    prepared_cache().clear()
    item = upload(creator, _jpeg(corpus.picture(1600, 1200, seed=7)), name="big.jpg")
    entitle(fan.pk)
    client.force_login(fan)
    leaked = Image.open(io.BytesIO(_body(client.get(_signed(fan, item, "final")))))
    width, height = leaked.size
    leaked = leaked.crop((width // 10, height // 10, width - width // 10, height - height // 10))
    leaked = leaked.resize((leaked.width // 2, leaked.height // 2), Image.Resampling.BILINEAR)
    path = tmp_path / "leak.jpg"
    leaked.save(path, "JPEG", quality=70)
    out = io.StringIO()
    call_command("watermark_identify", str(path), stdout=out)
    row = Delivery.objects.get()
    assert str(row.pk) in out.getvalue() and fan.handle in out.getvalue()


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()



@pytest.mark.django_db
def test_signed_url_for_viewer_a_fails_for_viewer_b(client, image_item, entitle, caplog):
    a, b = make_fan(), make_fan()
    entitle(a.pk)
    entitle(b.pk)
    url = _signed(a, image_item, "final")
    client.force_login(b)
    with caplog.at_level(logging.WARNING, logger="fansub.media.security"):
        response = client.get(url)
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "SIGNED_URL_INVALID", "message": response.json()["error"]["message"],
                                        "details": {"reason": "other_viewer"}}
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "other_viewer" in logged
    assert b.handle not in logged and b.email not in logged and a.handle not in logged


@pytest.mark.django_db
def test_anonymous_holder_of_a_signed_url_is_refused(client, fan, image_item, entitle):
    entitle(fan.pk)
    assert client.get(_signed(fan, image_item, "final")).status_code == 403


@pytest.mark.django_db
def test_expired_url_fails(client, fan, image_item, entitle, settings, monkeypatch):
    entitle(fan.pk)
    client.force_login(fan)
    url = _signed(fan, image_item, "final")
    real = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real() + settings.MEDIA_SIGNED_URL_TTL_SECONDS + 5)
    response = client.get(url)
    assert response.status_code == 403 and response.json()["error"]["details"] == {"reason": "expired"}


@pytest.mark.django_db
def test_tampered_url_fails(client, fan, image_item, entitle):
    entitle(fan.pk)
    client.force_login(fan)
    from django.core.signing import b64_encode

    token = signing.sign(fan.pk, image_item.pk, "final")
    _payload, stamp, mac = token.split(":")
    forged_payload = b64_encode(f'{{"v":{fan.pk},"m":{image_item.pk},"r":"original"}}'.encode()).decode()
    forged = ":".join([forged_payload, stamp, mac])
    other = signing.sign(fan.pk, image_item.pk, "final")[:-3] + "abc"
    for bad in (forged, other, "nonsense"):
        response = client.get(reverse("media-signed", kwargs={"token": bad}))
        assert response.status_code == 403


@pytest.mark.django_db
def test_url_is_bound_to_its_rendition(client, fan, image_item, entitle):
    """Entitled to the final is not entitled to the master: the rendition is part of what is signed."""
    entitle(fan.pk)
    client.force_login(fan)
    assert client.get(_signed(fan, image_item, "original")).status_code == 403


@pytest.mark.django_db
def test_owner_gets_original_and_final_unmarked(client, creator, image_item):
    client.force_login(creator)
    original = image_item.renditions.get(kind="original")
    response = client.get(_signed(creator, image_item, "original"))
    assert response.status_code == 200 and _body(response) == storage.read_bytes(original.storage_key)
    assert client.get(_signed(creator, image_item, "final")).status_code == 200
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_staff_view_of_a_final_is_audited(client, image_item):
    from governance.models import AuditLog

    staff = make_staff()
    client.force_login(staff)  # password only: a plain user
    assert client.get(_signed(staff, image_item, "final")).status_code == 403
    verified_login(client, staff)
    assert client.get(_signed(staff, image_item, "final")).status_code == 200
    assert AuditLog.objects.filter(action="media.staff_viewed_final", actor=staff).exists()


@pytest.mark.django_db
def test_adult_previews_follow_the_adult_policy(client, creator, upload, monkeypatch):
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg", is_adult=True)
    uses.record_use(item, UseKind.POST, make_post(creator, subscribers=True, is_adult=True).pk)  # shown, locked
    safe = storage.read_bytes(item.renditions.get(kind="safe_preview").storage_key)
    preview = storage.read_bytes(item.renditions.get(kind="preview").storage_key)
    viewer = make_fan()
    client.force_login(viewer)
    assert _body(client.get(_preview(item, "preview"))) == safe  # safe mode on: the safe preview only
    assert _body(client.get(_preview(item, "thumbnail"))) == safe
    client.logout()
    assert _body(client.get(_preview(item, "preview"))) == safe
    monkeypatch.setattr("fansub.media.services.access.can_view_adult", lambda user: True)
    client.force_login(viewer)
    assert _body(client.get(_preview(item, "preview"))) == preview


@pytest.mark.django_db
def test_sfw_preview_is_public(client, image_item):
    assert client.get(_preview(image_item, "preview")).status_code == 200
    assert client.get(_preview(image_item, "final")).status_code == 403


@pytest.mark.django_db
def test_video_final_supports_http_range(client, creator, video_item):
    client.force_login(creator)
    url = _signed(creator, video_item, "final")
    size = video_item.renditions.get(kind="final").size_bytes
    response = client.get(url, HTTP_RANGE="bytes=10-109")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-109/{size}" and len(_body(response)) == 100
    assert client.get(url, HTTP_RANGE="bytes=-50").status_code == 206
    assert client.get(url, HTTP_RANGE=f"bytes={size + 10}-").status_code == 416
    full = client.get(url)
    assert full.status_code == 200 and full["Accept-Ranges"] == "bytes"


@pytest.mark.django_db
def test_video_final_is_streamed_marked_not_sent_as_mp4(client, fan, video_item, entitle):
    entitle(fan.pk)
    client.force_login(fan)
    refused = client.get(_signed(fan, video_item, "final"))
    assert refused.status_code == 403 and refused.json()["error"]["details"]["reason"] == "stream_only"
    assert not Delivery.objects.filter(viewer=fan, media_item=video_item).exists()
    playlist = reverse("media-stream", kwargs={"token": signing.sign(fan.pk, video_item.pk, "stream")})
    assert client.get(playlist).status_code == 200
    recorded = Delivery.objects.get(viewer=fan, media_item=video_item)
    assert recorded.rendition.kind == "stream" and recorded.mark_code == 1


@pytest.mark.django_db
def test_x_accel_redirect_hands_the_file_to_the_web_server(client, creator, image_item, settings):
    settings.MEDIA_SERVE_MODE = "x-accel-redirect"
    client.force_login(creator)
    response = client.get(_signed(creator, image_item, "original"))
    key = image_item.renditions.get(kind="original").storage_key
    assert response["X-Accel-Redirect"] == f"/protected-media/{key}" and response.content == b""


@pytest.mark.django_db
def test_watermark_cache_is_bounded(image_item, entitle, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_WATERMARK_CACHE_MAX_ITEMS = 1
    viewers = [make_fan(), make_fan()]
    with django_capture_on_commit_callbacks(execute=True):
        for viewer in viewers:
            entitle(viewer.pk)
            delivery.deliver(viewer, image_item, "final")
    cached = Delivery.objects.exclude(cached_key="")
    assert cached.count() == 1 and cached.get().viewer == viewers[1]
    keys = set(storage.walk("media"))
    assert not any("/delivered/" in k and k != cached.get().cached_key for k in keys)


@pytest.mark.django_db
def test_pages_get_display_sizes_and_the_full_final_only_on_request(client, creator, upload, fan, entitle,
                                                                       settings, django_capture_on_commit_callbacks):
    settings.WATERMARK_DISPLAY_SIZES = (300, 500)
    item = _on_locked_post(creator, upload(creator, corpus.jpeg_with_gps(640, 480, orientation=1), name="a.jpg"))
    entitle(fan.pk)
    client.force_login(fan)
    url = _signed(fan, item, "final")

    def size_of(query):
        with django_capture_on_commit_callbacks(execute=True):  # a replaced copy is deleted on commit
            response = client.get(url + query)
        assert response.status_code == 200, response.content[:200]
        return Image.open(io.BytesIO(_body(response))).size

    assert size_of("") == (500, 375)  # a page's plain src: the largest display size
    assert size_of("?size=300") == (300, 225)
    assert size_of("?size=full") == (640, 480)
    assert size_of("?size=300") == (300, 225)
    row = Delivery.objects.get()  # one delivery (one forensic id) whatever the size
    assert row.cached_key.endswith("-300.jpg") and storage.private_storage().exists(row.cached_key)
    assert not any("/delivered/" in k and k != row.cached_key for k in storage.walk("media"))


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["999", "-1", "2048px", "FULL", "1e3", "\u00b2", "\u0663\u0660\u0660", " 300"])
def test_an_unknown_size_is_refused_with_a_stable_code(client, fan, image_item, entitle, settings, size):
    settings.WATERMARK_DISPLAY_SIZES = (300, 500)
    entitle(fan.pk)
    client.force_login(fan)
    response = client.get(_signed(fan, image_item, "final") + f"?size={size}")
    assert response.status_code == 400 and response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert not Delivery.objects.exclude(cached_key="").exists()


@pytest.mark.django_db
def test_a_size_does_not_open_a_final_to_someone_not_entitled(client, fan, image_item, settings):
    settings.WATERMARK_DISPLAY_SIZES = (300, 500)
    client.force_login(fan)
    for size in ("300", "full"):
        response = client.get(_signed(fan, image_item, "final") + f"?size={size}")
        assert response.status_code == 403 and response.json()["error"]["code"] == "NOT_ENTITLED"


@pytest.mark.django_db
def test_entitled_viewer_gets_a_thumbnail_marked_for_them(client, creator, upload, fan, entitle):
    """Issue 16: the clear thumbnail is a copy of the final too, so it carries the viewer's forensic mark."""
    from tests.media.watermark.synthetic import natural_image

    image_item = _on_locked_post(creator, upload(creator, _jpeg(natural_image(31, longest=1200)), name="t.jpg"))
    entitle(fan.pk)
    client.force_login(fan)
    clear = storage.read_bytes(image_item.renditions.get(kind="thumbnail").storage_key)
    delivered = _body(client.get(_preview(image_item, "thumbnail")))
    assert delivered != clear
    row = Delivery.objects.get(rendition__kind="thumbnail")
    assert row.viewer == fan and row.media_item == image_item
    assert watermarking.identify_leak(delivered, candidates=[row.pk]) == row.pk
    assert _body(client.get(_preview(image_item, "thumbnail"))) == delivered  # cached, same delivery
    client.force_login(creator)
    assert _body(client.get(_preview(image_item, "thumbnail"))) == clear  # the owner's own copy stays clear
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_unentitled_and_anonymous_thumbnails_create_no_delivery(client, fan, image_item):
    client.force_login(fan)
    assert client.get(_preview(image_item, "thumbnail")).status_code == 200  # the blurred preview
    client.logout()
    assert client.get(_preview(image_item, "thumbnail")).status_code == 200
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_display_size_copy_still_names_its_viewer(creator, upload, fan, entitle, settings):
    settings.WATERMARK_DISPLAY_SIZES = (1080, 2048)
    item = _on_locked_post(creator, upload(creator, _jpeg(corpus.picture(1600, 1200, seed=7)), name="big.jpg"))
    entitle(fan.pk)
    served = delivery.deliver(fan, item, "final", "1080")
    data = storage.read_bytes(served.key)
    assert Image.open(io.BytesIO(data)).size == (1080, 810)
    assert watermarking.identify_leak(data) == served.delivery_id == Delivery.objects.get().pk


@pytest.mark.django_db
def test_media_cards_offer_a_srcset_of_display_sizes(fan, creator, upload, entitle, settings):
    from fansub.media.services.links import media_dicts

    settings.WATERMARK_DISPLAY_SIZES = (300, 500)
    item = upload(creator, corpus.jpeg_with_gps(640, 480, orientation=1), name="a.jpg")
    card = media_dicts(fan, [item], entitled=True)[0]
    url = card["final_url"]
    assert card["final_srcset"] == f"{url}?size=300 300w, {url} 500w"
    assert media_dicts(fan, [item], entitled=False)[0]["final_srcset"] == ""
    settings.WATERMARK_DISPLAY_SIZES = (1080, 2048)  # a final smaller than every display size: no srcset
    assert media_dicts(fan, [item], entitled=True)[0]["final_srcset"] == ""


@pytest.mark.django_db
def test_entitled_viewer_gets_a_poster_marked_for_them(client, creator, fan, video_item, entitle):
    entitle(fan.pk)
    client.force_login(fan)
    clear = storage.read_bytes(video_item.renditions.get(kind="poster").storage_key)
    response = client.get(_signed(fan, video_item, "poster"))
    assert response.status_code == 200
    delivered = _body(response)
    poster = video_item.renditions.get(kind="poster")
    row = Delivery.objects.get(rendition=poster)
    assert delivered != clear and row.viewer == fan
    # Exactly this delivery's mark (the test video's flat synthetic frame is too plain to read it back;
    # marked thumbnails above and tests/media/watermark show identification on photo-like pictures).
    assert delivered == watermarking.render_final(poster, handle=fan.handle, delivery_id=row.pk, style="corner")
    assert delivered != watermarking.render_final(poster, handle=fan.handle, delivery_id=row.pk + 1, style="corner")
    client.force_login(creator)
    assert _body(client.get(_signed(creator, video_item, "poster"))) == clear
