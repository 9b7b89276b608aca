"""The page player plays a viewer's own A/B-marked HLS stream (hls.js in Chromium, which has no native HLS)."""

import io

import pytest
from django.test import Client

from fansub.media.models import Delivery
from fansub.media.services import processing, uploads
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from tests.factories import make_creator, make_fan
from tests.media.video_synth import write_clip

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def streamed_post(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}
    settings.MEDIA_HLS_SEGMENT_SECONDS = 1.0
    creator = make_creator(handle="clip_maker")
    data = write_clip(tmp_path / "clip.mp4", seconds=4.0, fps=12, size=(160, 120)).read_bytes()
    result = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="clip.mp4",
                                  content_type="video/mp4")
    item = result.item
    item.refresh_from_db()
    if item.state == "uploaded":
        processing.process_media_item(item.pk)
    item.refresh_from_db()
    assert item.state == "ready"
    return posts.create_post(creator, PostInput(text="a clip", audience=AudienceSpec(public=True),
                                                media_ids=(str(item.public_id),))), item


def test_the_player_plays_the_viewers_marked_stream(page, live_server, streamed_post):
    post, item = streamed_post
    fan = make_fan(handle="watcher")
    client = Client()
    client.force_login(fan)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"/p/{post.pk}/")
    video = page.locator("video[data-hls]")
    assert video.get_attribute("poster")  # the poster shows before anything streams
    assert not [u for u in fetched if "/media/hls/" in u]  # no segment before the viewer presses play
    page.wait_for_function("() => document.querySelector('video[data-hls]').src.startsWith('blob:')")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video[data-hls]').currentTime > 1.5", timeout=20_000)
    assert [u for u in fetched if "/media/hls/" in u]  # played from the viewer's own segment links
    assert not [u for u in fetched if u.endswith(".mp4")]
    assert Delivery.objects.filter(viewer=fan, media_item=item, mark_code__isnull=False).count() == 1
