"""Issue 12 item 1: media on every fan page (feed, profile, post, thread, library), locked cards with a blurred
preview and the cheapest unlock, tiers that include cheaper tiers, constant queries per page."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from fansub.accounts.models import Follow
from fansub.accounts.services import accounts
from fansub.custom_requests.models import CustomRequest
from fansub.media.models import UseKind
from fansub.media.services import uses
from fansub.messaging.models import MessageThread
from fansub.posts import entitlements
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.purchases.services import ppv
from fansub.verification.services import age_assurance
from payments.money import Money
from tests.factories import ensure_verified_creator, make_creator, make_fan, make_post, make_subscription, make_tier
from tests.media import corpus
from tests.verification.support import signed

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


@pytest.fixture
def seller(creator):
    creator.creator_profile.country = "US"
    creator.creator_profile.save()
    return ensure_verified_creator(creator)


@pytest.fixture
def photo(seller, upload):
    item = upload(seller, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    assert item.state == "ready"
    return item


def _post(creator, item, *, text="with a photo", **audience):
    return posts.create_post(creator, PostInput(text=text, audience=AudienceSpec(**audience),
                                                media_ids=(str(item.public_id),) if item else ()))


def _img_srcs(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def _adult_ok(fan):
    started = age_assurance.start_check(fan, "photo_id_match")
    body, signature = signed(started.check.provider_reference, "passed", "photo_id_match")
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    accounts.update_fan_profile(fan, safe_mode=False)


def test_subscriber_sees_the_final_in_feed_profile_and_post(client, seller, photo):
    tier = make_tier(seller, name="Fans", price_minor=499)
    post = _post(seller, photo, tier_ids=(tier.pk,))
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, tier)
    client.force_login(fan)
    for path in ("/feed/", f"/c/{seller.handle}/", f"/p/{post.pk}/"):
        html = client.get(path).content.decode()
        finals = [s for s in _img_srcs(html) if "/s/" in s]
        assert len(finals) == 1, path
        assert 'loading="lazy"' in html and 'data-lightbox="p' in html and "████" not in html
        assert client.get(urlparse(finals[0]).path).status_code == 200  # the watermarked final itself
    assert "js/lightbox.js" in html


def test_the_post_page_asks_for_display_sizes_through_srcset(client, seller, photo, settings):
    settings.WATERMARK_DISPLAY_SIZES = (300, 500)  # the 640 px photo is larger than both
    tier = make_tier(seller, name="Fans", price_minor=499)
    post = _post(seller, photo, tier_ids=(tier.pk,))
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, tier)
    client.force_login(fan)
    html = client.get(f"/p/{post.pk}/").content.decode()
    match = re.search(r'<img src="([^"]+)" srcset="([^"]+)"', html)
    assert match, html
    src, srcset = match.groups()
    candidates = dict(reversed(entry.rsplit(" ", 1)) for entry in srcset.split(", "))
    assert candidates == {"225w": f"{src}?size=300", "375w": src}  # portrait 480x640 served at 300 and 500 px
    assert client.get(urlparse(src).path + "?size=300").status_code == 200


def test_locked_card_shows_a_blurred_preview_with_count_type_and_cheapest_unlock(client, seller, photo, upload):
    cheap = make_tier(seller, name="Fans", price_minor=499)
    make_tier(seller, name="Everything", price_minor=1499)
    second = upload(seller, corpus.jpeg_with_gps(seed=2), name="y.jpg", content_type="image/jpeg")
    post = posts.create_post(seller, PostInput(text="secret words", audience=AudienceSpec(tier_ids=(cheap.pk,)),
                                               media_ids=(str(photo.public_id), str(second.public_id))))
    outsider = make_fan(country="US", region="US-TX")
    client.force_login(outsider)
    html = client.get(f"/p/{post.pk}/").content.decode()
    assert "secret words" not in html and "████" not in html
    assert "2 photos" in html and "Blurred preview" in html
    assert not [s for s in _img_srcs(html) if "/s/" in s]  # no final URL for the locked viewer
    assert f"/c/{seller.handle}/subscribe/{cheap.pk}/" in html and "$4.99/month" in html


def test_video_plays_the_viewers_marked_stream_with_its_poster_first(client, seller, upload, tmp_path):
    video = upload(seller, corpus.mp4_bytes(tmp_path, seconds=1.0), name="clip.mp4", content_type="video/mp4")
    assert video.state == "ready"
    post = _post(seller, video, public=True)
    fan = make_fan(country="US", region="US-TX")
    client.force_login(fan)
    html = client.get(f"/p/{post.pk}/").content.decode()
    match = re.search(r'<video[^>]*data-hls="([^"]+)"[^>]*poster="([^"]+)"[^>]*></video>', html)
    assert match, html
    playlist, poster = match.groups()
    assert 'type="video/mp4"' not in html  # no unmarked MP4 fallback for a viewer
    assert "js/stream-player.js" in html and "vendor/hls/hls.light.min.js" in html
    assert client.get(urlparse(poster).path).status_code == 200
    answer = client.get(urlparse(playlist).path)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/vnd.apple.mpegurl"
    first_segment = next(line for line in answer.content.decode().splitlines() if line.startswith("/"))
    segment = client.get(first_segment, HTTP_RANGE="bytes=0-187")
    assert segment.status_code == 206 and segment["Content-Type"] == "video/mp2t"
    anonymous = client.__class__()
    locked = anonymous.get(f"/p/{post.pk}/").content.decode()  # public post, but finals need an account
    assert "<video" not in locked


def test_without_video_marks_the_page_plays_the_final(client, seller, upload, tmp_path, settings):
    settings.MEDIA_VIDEO_MARKS = False
    video = upload(seller, corpus.mp4_bytes(tmp_path, seconds=1.0), name="clip.mp4", content_type="video/mp4")
    post = _post(seller, video, public=True)
    client.force_login(make_fan(country="US", region="US-TX"))
    html = client.get(f"/p/{post.pk}/").content.decode()
    match = re.search(r'<video[^>]*poster="([^"]+)"[^>]*>\s*<source src="([^"]+)" type="video/mp4">', html)
    assert match, html
    assert client.get(urlparse(match.group(2)).path, HTTP_RANGE="bytes=0-99").status_code == 206


def test_pinned_post_is_listed_once(client, seller):
    pinned = make_post(seller, public=True, text="pinned one")
    make_post(seller, public=True, text="other one")
    posts.set_pinned(seller, pinned.pk, True)
    html = client.get(f"/c/{seller.handle}/").content.decode()
    assert html.count(f'id="post-{pinned.pk}"') == 1 and "Pinned" in html


def test_higher_tier_that_includes_cheaper_tiers_opens_their_posts_and_is_marked_your_tier(client, seller, photo):
    cheap = make_tier(seller, name="Fans", price_minor=499)
    everything = make_tier(seller, name="Everything", price_minor=1499, includes_lower_tiers=True)
    post = _post(seller, photo, tier_ids=(cheap.pk,))
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, everything)
    client.force_login(fan)
    html = client.get(f"/c/{seller.handle}/").content.decode()
    assert "Your tier" in html and "secret" not in html
    assert [s for s in _img_srcs(html) if "/s/" in s]
    assert "Subscribe to Fans" not in html
    # The tier the fan has is not offered again.
    assert f"/c/{seller.handle}/subscribe/{everything.pk}/" not in html
    assert entitlements.decide_one(fan, post).allowed


def test_higher_tier_without_inclusion_does_not_open_a_cheaper_tiers_post(seller):
    cheap = make_tier(seller, name="Fans", price_minor=499)
    separate = make_tier(seller, name="Other", price_minor=1499)
    post = make_post(seller, tiers=(cheap,))
    fan = make_fan()
    make_subscription(fan, separate)
    decision = entitlements.decide_one(fan, post)
    assert not decision.allowed and decision.reason == entitlements.Denial.TIER_NOT_INCLUDED
    assert decision.cheapest_unlock.tier_id == cheap.pk


def test_a_cheaper_tier_including_lower_tiers_does_not_open_a_dearer_tiers_post(seller):
    cheap = make_tier(seller, name="Fans", price_minor=499, includes_lower_tiers=True)
    dear = make_tier(seller, name="VIP", price_minor=1499)
    post = make_post(seller, tiers=(dear,))
    fan = make_fan()
    make_subscription(fan, cheap)
    assert not entitlements.decide_one(fan, post).allowed


def test_bought_message_media_reaches_thread_page_api_and_library(client, api_client, seller, photo,
                                                                   django_capture_on_commit_callbacks):
    fan = make_fan(country="US", region="US-TX")
    Follow.objects.create(fan=fan, creator=seller)
    thread = MessageThread.objects.create(fan=fan, creator=seller)
    message = ppv.send_paid_message(seller, thread.pk, text="a set", price=Money(500, "USD"),
                                    media_ids=(str(photo.public_id),))
    client.force_login(fan)
    api_client.force_authenticate(fan)
    locked_html = client.get(f"/messages/{thread.pk}/").content.decode()
    assert "Unlock for $5.00" in locked_html and not [s for s in _img_srcs(locked_html) if "/s/" in s]
    body = api_client.get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert body["results"][0]["media"][0]["final_url"] is None and body["results"][0]["media"][0]["preview_url"]
    assert "library-message" not in client.get("/library/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_message(fan, message.pk, payment_method=CARD)
    html = client.get(f"/messages/{thread.pk}/").content.decode()
    finals = [s for s in _img_srcs(html) if "/s/" in s]
    assert len(finals) == 1 and client.get(urlparse(finals[0]).path).status_code == 200
    body = api_client.get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert body["results"][0]["media"][0]["final_url"]
    library = client.get("/library/").content.decode()
    assert f'id="library-message-{message.pk}"' in library and "bought for $5.00" in library
    other = make_fan()
    client.force_login(other)
    assert client.get("/library/").content.decode().count("library-message-") == 0


def test_library_keeps_bought_posts_and_request_deliveries(client, seller, photo, upload,
                                                           django_capture_on_commit_callbacks):
    post = _post(seller, photo, text="paid post", ppv_price=Money(300, "USD"))
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, post.pk, payment_method=CARD)
    delivered = upload(seller, corpus.jpeg_with_gps(seed=5), name="d.jpg", content_type="image/jpeg")
    now = timezone.now()
    req = CustomRequest.objects.create(fan=fan, creator=seller, kind="photo", description="a photo please",
                                       price_minor=2500, currency="USD", status="delivered",
                                       respond_by=now + timedelta(days=2), delivered_at=now,
                                       review_until=now + timedelta(days=3), delivery_note="here it is")
    uses.record_use(delivered, UseKind.REQUEST, str(req.pk))
    client.force_login(fan)
    html = client.get("/library/").content.decode()
    assert f'id="post-{post.pk}"' in html and "paid post" in html
    assert f'id="library-request-{req.pk}"' in html and "here it is" in html
    finals = [s for s in _img_srcs(html) if "/s/" in s]
    assert len(finals) == 2 and all(client.get(urlparse(f).path).status_code == 200 for f in finals)
    posts.delete_post(seller, post.pk)
    assert f'id="post-{post.pk}"' in client.get("/library/").content.decode()  # permanent
    request_page = client.get(f"/requests/{req.pk}/").content.decode()
    assert "minor units" not in request_page and len([s for s in _img_srcs(request_page) if "/s/" in s]) == 1


def test_library_needs_an_account(client):
    assert client.get("/library/").status_code == 302


def _feed_world(n_creators: int, posts_each: int, upload, fan):
    for c in range(n_creators):
        creator = make_creator(adult=c % 2 == 0, country="US")
        ensure_verified_creator(creator)
        tiers = [make_tier(creator, name=f"T{t}", price_minor=499 + t * 100, includes_lower_tiers=t % 2 == 0)
                 for t in range(4)]
        make_subscription(fan, tiers[-1])
        item = upload(creator, corpus.jpeg_with_gps(seed=100 + c), name="f.jpg", content_type="image/jpeg")
        for p in range(posts_each):
            _post(creator, item, text=f"post {p}", tier_ids=(tiers[p % 4].pk,))
            if p == 0:
                make_post(creator, ppv_minor=700, text="ppv")


@pytest.fixture
def buffered_request_events(settings):
    """Request events reach the outbox in bulk as in production (see tests/posts/test_page_queries.py)."""
    from telemetry.request_buffer import BUFFER

    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 200
    settings.TELEMETRY_REQUEST_BUFFER_SECONDS = 3600
    yield
    BUFFER.drain()


@pytest.mark.parametrize("path", ["/feed/", "/library/"])
@pytest.mark.usefixtures("buffered_request_events")
def test_fan_pages_keep_a_constant_number_of_queries(client, upload, django_assert_max_num_queries, path,
                                                     forget_cached_pages):
    """Pages rendered afresh each time (the rendered-page cache emptied), as after any change."""
    fan = make_fan(country="US", region="US-TX")
    _adult_ok(fan)
    _feed_world(2, 2, upload, fan)
    client.force_login(fan)
    client.get(path)
    forget_cached_pages()
    with django_assert_max_num_queries(15) as small:
        client.get(path)
    _feed_world(4, 4, upload, fan)
    forget_cached_pages()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(path).content.decode()
    assert path != "/feed/" or html.count('class="card post-card') >= 16


@pytest.mark.usefixtures("buffered_request_events")
def test_creator_page_keeps_a_constant_number_of_queries(client, upload, django_assert_max_num_queries,
                                                         forget_cached_pages):
    fan = make_fan(country="US", region="US-TX")
    _adult_ok(fan)
    creator = make_creator(adult=True, country="US")
    ensure_verified_creator(creator)
    tiers = [make_tier(creator, name=f"T{t}", price_minor=499 + t * 100) for t in range(6)]
    make_subscription(fan, tiers[2])
    item = upload(creator, corpus.jpeg_with_gps(seed=7), name="f.jpg", content_type="image/jpeg")
    client.force_login(fan)

    def add(n):
        for p in range(n):
            _post(creator, item, text=f"post {p}", tier_ids=(tiers[p % 6].pk,))

    add(2)
    client.get(f"/c/{creator.handle}/")
    forget_cached_pages()
    with django_assert_max_num_queries(15) as small:
        client.get(f"/c/{creator.handle}/")
    add(8)
    forget_cached_pages()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(f"/c/{creator.handle}/").content.decode()
    assert html.count('class="card post-card') == 10 and "Your tier" in html


def test_subscriber_of_another_tier_is_offered_a_tier_change_not_a_second_subscription(client, seller, photo):
    cheap = make_tier(seller, name="Fans", price_minor=499)
    vip = make_tier(seller, name="VIP", price_minor=1999)
    post = _post(seller, photo, tier_ids=(vip.pk,))
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, cheap)
    client.force_login(fan)
    html = client.get(f"/p/{post.pk}/").content.decode()
    assert "Change to VIP ($19.99/month)" in html and "/account/subscriptions/" in html
    assert f"/subscribe/{vip.pk}/" not in html
