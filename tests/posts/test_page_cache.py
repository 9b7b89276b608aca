"""The rendered-page cache of the fan pages: a second view is served from the cache for a few queries, and
every change a page shows is on the very next request — through the services people use, for each kind of
row the pages read (``fansub.posts.page_stamp_receivers.RULES``)."""

import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from fansub.accounts.models import Block, Follow, Notification, PageStamp
from fansub.accounts.services import accounts, notifications, social
from fansub.offers.services import tiers as tier_service
from fansub.posts.models import Post
from fansub.posts.page_stamp_receivers import RULES
from fansub.posts.services import moderation as post_moderation
from fansub.posts.services import posts as post_service
from fansub.purchases.models import PostPurchase
from fansub.purchases.services import ppv
from moderation.services import enforcement
from payments.money import Money
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def world(client):
    creator = make_creator(verified=True)
    cheap, dear = make_tier(creator, name="Cheap", price_minor=500), make_tier(creator, name="Dear", price_minor=2500)
    fan = make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    make_subscription(fan, cheap)
    client.force_login(fan)
    open_post = make_post(creator, tiers=[cheap], text="open to the cheap tier")
    locked = make_post(creator, tiers=[dear], text="dear tier only")
    ppv_post = make_post(creator, ppv_minor=700, text="sold on its own")
    return {"creator": creator, "fan": fan, "cheap": cheap, "dear": dear, "open": open_post, "locked": locked,
            "ppv": ppv_post}


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _pages(world) -> list[str]:
    return ["/feed/", f"/c/{world['creator'].handle}/", f"/p/{world['locked'].pk}/"]


@pytest.mark.django_db
@pytest.mark.usefixtures("buffered_request_events")
def test_a_second_view_is_served_from_the_cache_for_a_few_queries(client, world, django_assert_max_num_queries):
    for path in _pages(world):
        first = _page(client, path)
        # the user and the stamps (the session comes from the cache); the post page also writes its view event
        with django_assert_max_num_queries(5 if path.startswith("/p/") else 2):
            second = _page(client, path)
        assert _CSRF_INPUT.sub("", first) == _CSRF_INPUT.sub("", second)


@pytest.mark.django_db
def test_a_cached_page_carries_a_working_csrf_token_of_its_own_browser(world):
    browsers = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(world["fan"])
        _page(browser, "/feed/")
        browsers.append(browser)
    tokens = [_CSRF_INPUT.search(_page(b, "/feed/")).group(1) for b in browsers]  # the second view is cached
    assert "csrfhole" not in "".join(tokens)
    response = browsers[1].post(f"/c/{world['creator'].handle}/follow/", {"csrfmiddlewaretoken": tokens[1],
                                                                        "action": "unfollow"})
    assert response.status_code == 302  # the token of this browser's own secret is accepted
    foreign = browsers[0].post("/logout/", {"csrfmiddlewaretoken": "x" * 64})
    assert foreign.status_code == 403


@pytest.mark.django_db
def test_viewers_never_get_each_others_pages(client, world):
    other = make_fan()
    Follow.objects.create(fan=other, creator=world["creator"])
    mine = _page(client, f"/c/{world['creator'].handle}/")
    client.force_login(other)
    theirs = _page(client, f"/c/{world['creator'].handle}/")
    assert f"@{world['fan'].handle}" in mine and f"@{world['fan'].handle}" not in theirs
    assert "open to the cheap tier" in mine  # entitled: the post's text
    assert f"@{other.handle}" in theirs
    anonymous = _page(Client(), f"/c/{world['creator'].handle}/")
    assert f"@{world['fan'].handle}" not in anonymous and "Log in" in anonymous


def _seen(client, world, path: str, text: str) -> bool:
    return text in _page(client, path)


@pytest.mark.django_db
def test_a_subscription_upgrade_unlocks_the_locked_card_on_the_next_view(client, world):
    post_page = f"/p/{world['locked'].pk}/"
    assert not _seen(client, world, post_page, "dear tier only")
    assert not _seen(client, world, "/feed/", "dear tier only")
    subscription = world["fan"].subscriptions.get()
    subscription.tier = world["dear"]  # an upgrade to the dearer tier
    subscription.save()
    assert _seen(client, world, post_page, "dear tier only")
    assert _seen(client, world, "/feed/", "dear tier only")


@pytest.mark.django_db
def test_a_purchase_unlocks_and_its_refund_locks_again(client, world):
    path = f"/p/{world['ppv'].pk}/"
    assert not _seen(client, world, path, "sold on its own")
    PostPurchase.objects.create(post=world["ppv"], fan=world["fan"], payment_reference="pay-1")
    assert _seen(client, world, path, "sold on its own")
    ppv.revoke_for_refund("ppv_post", str(world["ppv"].pk), "pay-1")  # a QuerySet.update: bumped by hand
    assert not _seen(client, world, path, "sold on its own")


@pytest.mark.django_db
def test_new_edited_removed_and_liked_posts_show_on_the_next_view(client, world):
    creator, fan = world["creator"], world["fan"]
    _page(client, "/feed/")
    fresh = make_post(creator, tiers=[world["cheap"]], text="brand new post")
    assert _seen(client, world, "/feed/", "brand new post")
    post_moderation.unpublish_post(fresh.pk, reason="policy")
    assert not _seen(client, world, "/feed/", "brand new post")
    path = f"/p/{world['open'].pk}/"
    assert _seen(client, world, path, '"0 likes"')
    post_service.like(fan, world["open"].pk)
    assert _seen(client, world, path, '"1 likes"')
    post_service.comment(fan, world["open"].pk, "first comment here")
    assert _seen(client, world, path, "first comment here")
    Post.objects.filter(pk=world["open"].pk).update(text="changed behind the signals")  # not a service write
    post_service.unlike(fan, world["open"].pk)  # ...until the next bump of this creator
    assert _seen(client, world, path, "changed behind the signals")


@pytest.mark.django_db
def test_follow_block_and_settings_changes_show_on_the_next_view(client, world):
    creator, fan = world["creator"], world["fan"]
    other = make_creator(verified=True)
    make_post(other, followers=True, text="for followers of the other creator")
    assert not _seen(client, world, "/feed/", "for followers of the other creator")
    social.follow(fan, other)
    assert _seen(client, world, "/feed/", "for followers of the other creator")
    social.unfollow(fan, other)
    assert not _seen(client, world, "/feed/", "for followers of the other creator")
    assert _seen(client, world, "/feed/", "open to the cheap tier")
    social.block(creator, fan)
    assert not _seen(client, world, "/feed/", "open to the cheap tier")
    assert Block.objects.filter(blocker=creator, blocked=fan).exists()


@pytest.mark.django_db
def test_creator_profile_tier_and_handle_changes_show_on_the_next_view(client, world):
    creator = world["creator"]
    path = f"/c/{creator.handle}/"
    assert _seen(client, world, path, "Cheap")
    tier_service.update_tier(creator, world["cheap"].pk, name="Renamed tier")
    assert _seen(client, world, path, "Renamed tier")
    profile = creator.creator_profile
    profile.display_name = "A New Display Name"
    profile.save()
    assert _seen(client, world, "/feed/", "A New Display Name")
    tier_service.update_tier(creator, world["dear"].pk, price=Money(3100, "USD"))
    assert _seen(client, world, path, "31.00")


@pytest.mark.django_db
def test_the_unread_badge_follows_notifications_on_the_next_view(client, world):
    fan = world["fan"]

    def badge() -> int:
        found = re.search(r"(\d+) unread notifications", _page(client, "/feed/"))
        return int(found.group(1)) if found else 0

    unread = badge()
    assert unread == Notification.objects.filter(user=fan, read_at__isnull=True).count()
    notifications.notify(fan, "new_post", ref="t", title="Hello")
    assert badge() == unread + 1
    notifications.mark_all_read(fan)  # a QuerySet.update: bumped by hand
    assert badge() == 0


@pytest.mark.django_db
def test_a_suspended_or_safe_mode_viewer_never_gets_the_stored_page(client, world):
    fan = world["fan"]
    assert _seen(client, world, "/feed/", "open to the cheap tier")
    accounts.update_fan_profile(fan, safe_mode=True)
    _page(client, "/feed/")  # rendered afresh: the settings changed
    enforcement.revoke_access(fan)
    fan.refresh_from_db()
    assert client.get("/feed/").status_code == 302  # signed out everywhere: the cached session is gone too


@pytest.mark.django_db
def test_flash_messages_are_shown_on_a_fresh_render_and_never_stored(client, world):
    path = f"/c/{world['creator'].handle}/"
    _page(client, path)
    response = client.post(f"/c/{world['creator'].handle}/follow/", {"action": "unfollow"}, follow=True)
    assert "You unfollowed" in response.content.decode()
    assert "You unfollowed" not in _page(client, path)  # shown once, and the page without it is stored


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_stamps_as_they_were(world):
    creator = world["creator"]
    before = PageStamp.objects.filter(user_id=creator.pk).values_list("content_version", flat=True).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_post(creator, text="never committed")
        raise RuntimeError("the change fails")
    after = PageStamp.objects.filter(user_id=creator.pk).values_list("content_version", flat=True).first()
    assert before == after
    make_post(creator, text="committed")
    assert PageStamp.objects.get(user_id=creator.pk).content_version > (before or 0)


@pytest.mark.django_db
def test_viewer_and_creator_rows_bump_their_own_stamps():
    creator, fan = make_creator(verified=True), make_fan()
    stamps = lambda user: PageStamp.objects.filter(user_id=user.pk).values_list(  # noqa: E731
        "viewer_version", "content_version").first() or (0, 0)
    creator_before, fan_before = stamps(creator), stamps(fan)
    make_tier(creator, name="Another")
    assert stamps(creator)[1] > creator_before[1] and stamps(fan) == fan_before
    Follow.objects.create(fan=fan, creator=creator)
    assert stamps(fan)[0] > fan_before[0]
    assert set(RULES) >= {Post, Follow, Block, Notification, PostPurchase}


@pytest.mark.django_db
def test_query_strings_the_pages_do_not_read_share_one_stored_page(client, world):
    path = f"/c/{world['creator'].handle}/"
    store = caches["pages"]
    with mock.patch.object(store, "set", wraps=store.set) as stored:
        _page(client, path)
        _page(client, f"{path}?utm_source=x")
        _page(client, f"{path}?junk=1&more=2")
        assert stored.call_count == 1
        assert "open to the cheap tier" in _page(client, f"{path}?cursor=not-a-cursor")  # a bad cursor: the top
        assert stored.call_count == 2
