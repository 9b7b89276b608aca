"""Queries per fan page stay constant in page size and media count, on the heaviest data the pages see:
an age-assured fan, adult creators, posts carrying photos AND videos (finals, thumbnails, previews, safe
previews, posters), many tiers, locked and open cards, a pay-per-view post and a pinned one."""

import re
import uuid

import pytest
from django.urls import resolve

from fansub.accounts.models import Follow
from fansub.accounts.services import accounts
from fansub.media import selectors as media_selectors
from fansub.media.models import MediaItem, Rendition
from fansub.media.selectors import PageUrls
from fansub.media.services import links, signing, uses
from fansub.verification.services import age_assurance
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier
from tests.verification.support import signed

LIMIT = 15
pytestmark = pytest.mark.usefixtures("buffered_request_events")
_SIGNED = re.compile(r'(?:src|href|poster)="(/media/s/[^"]+)"')
_PREVIEW = re.compile(r'src="(/media/p/[^"]+)"')


def _age_assured(fan):
    started = age_assurance.start_check(fan, "photo_id_match")
    body, signature = signed(started.check.provider_reference, "passed", "photo_id_match")
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    accounts.update_fan_profile(fan, safe_mode=False)


def _media(creator, kind: str, adult: bool) -> MediaItem:
    item = MediaItem.objects.create(creator=creator, kind=kind, state="ready", is_adult=adult, source_format="jpeg",
                                    size_bytes=1000, sha256=uuid.uuid4().hex * 2, width=3000, height=4000,
                                    duration_ms=65_000 if kind == "video" else None)
    kinds = ["final", "thumbnail", "preview"] + (["safe_preview"] if adult else []) + (
        ["poster"] if kind == "video" else [])
    for rendition in kinds:
        Rendition.objects.create(media_item=item, kind=rendition, storage_key=f"t/{uuid.uuid4().hex}",
                                 content_type="image/jpeg", size_bytes=100, width=2048, height=2730)
    return item


def _with_media(post, photos: int = 2, videos: int = 1):
    adult = post.is_adult or post.creator.creator_profile.is_adult
    for kind in ["image"] * photos + ["video"] * videos:
        uses.record_use(_media(post.creator, kind, adult), "post", str(post.pk))
    return post


def _creator_with_posts(fan, index: int, posts: int):
    """An adult (even index) or safe creator with five tiers; the fan follows and sits on the middle tier, so
    cards for the two dearer tiers stay locked and show previews."""
    creator = make_creator(adult=index % 2 == 0, verified=True)
    tiers = [make_tier(creator, name=f"T{t}", price_minor=499 + 500 * t, includes_lower_tiers=t % 2 == 0)
             for t in range(5)]
    Follow.objects.create(fan=fan, creator=creator)
    make_subscription(fan, tiers[2])
    for p in range(posts):
        _with_media(make_post(creator, tiers=[tiers[p % 5]], text=f"post {p}"))
    _with_media(make_post(creator, ppv_minor=700, text="pay per view"), photos=3)
    _with_media(make_post(creator, public=True, is_pinned=True, text="pinned"), photos=1)
    return creator


@pytest.fixture
def fan(client):
    fan = make_fan(country="US", region="US-TX")
    _age_assured(fan)
    client.force_login(fan)
    return fan


def _count(django_assert_max_num_queries, client, path: str, forget=None) -> tuple[int, str]:
    """Queries of a page rendered afresh (``forget``: empties the rendered-page cache first)."""
    if forget is not None:
        forget()
    with django_assert_max_num_queries(LIMIT) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_feed_page_queries_are_constant_in_page_size_and_media(client, fan, settings, django_assert_max_num_queries,
        forget_cached_pages):
    for index in range(10):
        _creator_with_posts(fan, index, posts=5)  # 70 posts, 250 media items, half adult
    counts = []
    for size in (5, 20, 50):
        settings.FEED_PAGE_SIZE = size
        count, html = _count(django_assert_max_num_queries, client, "/feed/", forget_cached_pages)
        counts.append(count)
        assert html.count('class="card post-card') == size
        assert len(_SIGNED.findall(html)) >= size  # entitled cards carry signed finals and posters
    assert "poster=\"/media/s/" in html and _PREVIEW.findall(html)  # locked cards: previews only
    assert "safe_preview" not in html  # age-assured: real previews, not the safe ones
    assert len(set(counts)) == 1, counts


@pytest.mark.django_db
def test_feed_api_queries_are_constant_in_page_size_and_media(client, fan, django_assert_max_num_queries):
    for index in range(10):
        _creator_with_posts(fan, index, posts=5)
    counts = []
    for size in (5, 20, 50):
        with django_assert_max_num_queries(LIMIT) as captured:
            body = client.get(f"/api/v1/feed/?page_size={size}").json()
        counts.append(len(captured.captured_queries))
        assert len(body["results"]) == size
        assert any(m["final_url"] and m["poster_url"] for card in body["results"] for m in card["media"])
    assert len(set(counts)) == 1, counts


@pytest.mark.django_db
def test_creator_page_queries_are_constant_in_post_and_media_count(client, fan, django_assert_max_num_queries,
        forget_cached_pages):
    few = _creator_with_posts(fan, 0, posts=5)
    many = _creator_with_posts(fan, 2, posts=50)
    many_media = _creator_with_posts(fan, 4, posts=20)
    for post in many_media.posts.all():
        _with_media(post, photos=4, videos=2)
    counts = []
    for creator in (few, many, many_media):
        count, html = _count(django_assert_max_num_queries, client, f"/c/{creator.handle}/", forget_cached_pages)
        counts.append(count)
        assert "pinned" in html and _SIGNED.findall(html) and _PREVIEW.findall(html)
    assert len(set(counts)) == 1, counts
    api = []
    for size in (5, 20, 50):
        with django_assert_max_num_queries(LIMIT) as captured:
            body = client.get(f"/api/v1/creators/{many.handle}/posts/?page_size={size}").json()
        api.append(len(captured.captured_queries))
        assert len(body["results"]) == size
    assert len(set(api)) == 1, api


@pytest.mark.django_db
def test_post_page_queries_are_constant_in_media_count(client, fan, django_assert_max_num_queries,
        forget_cached_pages):
    creator = _creator_with_posts(fan, 0, posts=1)
    tier = creator.tiers.order_by("price_minor")[1]
    small = _with_media(make_post(creator, tiers=[tier], text="small"), photos=1, videos=1)
    large = _with_media(make_post(creator, tiers=[tier], text="large"), photos=12, videos=6)
    client.get(f"/p/{small.pk}/")  # the creator's pseudonym salt is made on the first view of their posts, ever
    counts = []
    for post in (small, large):
        count, html = _count(django_assert_max_num_queries, client, f"/p/{post.pk}/", forget_cached_pages)
        counts.append(count)
        assert len(_SIGNED.findall(html)) >= 3
    assert len(set(counts)) == 1, counts


@pytest.mark.django_db
def test_safe_mode_fan_gets_safe_previews_and_no_adult_finals(client, django_assert_max_num_queries):
    """The page asks the age rule once; its answer still decides every card and every preview."""
    fan = make_fan(country="US", region="US-TX")  # no age assurance: adult posts are hidden or safe-previewed
    client.force_login(fan)
    adult = _creator_with_posts(fan, 0, posts=3)
    safe = _creator_with_posts(fan, 1, posts=3)
    _with_media(make_post(safe, public=True, is_adult=True, text="adult post by a safe creator"))
    _count(django_assert_max_num_queries, client, "/feed/")
    html = client.get("/feed/").content.decode()
    assert f"@{adult.handle}" not in html and "adult post by a safe creator" not in html
    assert client.get(f"/c/{adult.handle}/").status_code == 403  # the 18+ gate
    page = client.get(f"/c/{safe.handle}/").content.decode()
    assert "adult post by a safe creator" not in page and _SIGNED.findall(page)


@pytest.mark.django_db
def test_card_items_give_the_same_media_as_model_rows(fan):
    """Pages read media as plain values and format URLs from one reversed pattern: the same previews, the same
    sizes and signed URLs that open the same rendition for the same viewer."""
    creator = _creator_with_posts(fan, 0, posts=2)
    ids = list(creator.posts.values_list("pk", flat=True))
    plain, full = links.card_items_for("post", ids), links.items_for("post", ids)
    by_pk = {item.pk: item for items in full.values() for item in items}

    def comparable(media):
        return [{**m, "final_url": bool(m["final_url"]), "poster_url": bool(m["poster_url"]),
                 "final_srcset": bool(m["final_srcset"])} for m in media]

    for post_id in ids:
        assert [i.pk for i in plain[post_id]] == [i.pk for i in full[post_id]]
        for entitled, adult_ok in [(True, True), (False, True), (False, False)]:
            fast = links.media_dicts(fan, plain[post_id], entitled=entitled, adult_ok=adult_ok, urls=PageUrls())
            slow = links.media_dicts(fan, full[post_id], entitled=entitled, adult_ok=adult_ok)
            assert comparable(fast) == comparable(slow)
            for m, item in zip(fast, plain[post_id], strict=True):
                assert m["thumbnail_url"] == media_selectors.preview_url(by_pk[item.pk], "thumbnail")
                assert m["preview_url"] == media_selectors.preview_url(
                    by_pk[item.pk], "preview" if adult_ok else "safe_preview")
                if m["final_url"]:
                    token = resolve(m["final_url"]).kwargs["token"]
                    assert signing.verify(token, fan) == signing.SignedTarget(fan.pk, item.pk, "final")


@pytest.mark.django_db
def test_creator_page_without_posts_still_shows_the_viewers_standing(client, fan):
    creator = make_creator(verified=True)
    tiers = [make_tier(creator, name=f"T{t}", price_minor=499 + 500 * t) for t in range(3)]
    html = client.get(f"/c/{creator.handle}/").content.decode()
    assert "You subscribe to this tier" not in html and "Follow for free" in html
    Follow.objects.create(fan=fan, creator=creator)
    make_subscription(fan, tiers[1])
    html = client.get(f"/c/{creator.handle}/").content.decode()
    assert "No posts yet." in html and "You subscribe to this tier" in html and "Follow for free" not in html


@pytest.mark.django_db
def test_page_stream_urls_are_the_same_as_reversed_ones(fan):
    creator = _creator_with_posts(fan, 1, posts=1)
    item = MediaItem.objects.filter(creator=creator, kind="video").first()
    fast, slow = PageUrls().stream(fan, item), media_selectors.stream_url(fan, item)
    assert resolve(fast).url_name == resolve(slow).url_name == "media-stream"
    for url in (fast, slow):
        assert signing.verify(resolve(url).kwargs["token"], fan) == signing.SignedTarget(fan.pk, item.pk, "stream")
