from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.accounts.models import Follow
from fansub.posts.models import Post, PostRevision
from fansub.posts.services.posts import publish_due_posts
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db

SECRET = "the paid words"


def _body(**audience):
    base = {"public": False, "followers": False, "subscribers": False, "tier_ids": [], "ppv_price": None}
    return {"text": SECRET, "audience": {**base, **audience}}


def test_creator_creates_post_for_a_set_of_tiers(api_client):
    creator = make_creator()
    gold, silver = make_tier(creator, name="Gold", price_minor=1999), make_tier(creator, name="Silver")
    api_client.force_authenticate(creator)
    r = api_client.post("/api/v1/posts/", _body(tier_ids=[gold.pk, silver.pk]), format="json")
    assert r.status_code == 201, r.json()
    assert sorted(r.json()["audience"]["tier_ids"]) == sorted([gold.pk, silver.pk])
    assert r.json()["status"] == "published"
    assert OutboxEvent.objects.filter(event_type="post.published").count() == 1


def test_post_refusals(api_client):
    creator, other = make_creator(verified=True), make_creator()
    foreign = make_tier(other)
    api_client.force_authenticate(creator)
    r = api_client.post("/api/v1/posts/", _body(tier_ids=[foreign.pk]), format="json")
    assert r.status_code == 400 and "tier_ids" in r.json()["error"]["details"]
    r = api_client.post("/api/v1/posts/", _body(), format="json")
    assert r.status_code == 400 and "audience" in r.json()["error"]["details"]
    r = api_client.post("/api/v1/posts/", _body(ppv_price={"amount_minor": 1, "currency": "USD"}), format="json")
    assert r.status_code == 400 and "ppv_price" in r.json()["error"]["details"]
    fan = make_fan()
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/posts/", _body(public=True), format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
    assert Post.objects.count() == 0


def test_locked_post_hides_text_and_offers_unlock(api_client):
    creator = make_creator()
    make_tier(creator, price_minor=499)
    post = make_post(creator, subscribers=True, text=SECRET)
    fan = make_fan()
    api_client.force_authenticate(fan)
    body = api_client.get(f"/api/v1/posts/{post.pk}/").json()
    assert body["locked"] and body["locked_reason"] == "not_subscribed" and body["text"] is None
    assert body["unlock"][0]["kind"] == "subscribe" and body["unlock"][0]["price"]["amount_minor"] == 499
    assert SECRET not in str(api_client.get(f"/api/v1/creators/{creator.handle}/posts/").json())


def test_scheduled_post_publishes_once(api_client):
    creator = make_creator()
    api_client.force_authenticate(creator)
    later = timezone.now() + timedelta(hours=1)
    r = api_client.post("/api/v1/posts/", {**_body(public=True), "publish_at": later.isoformat()}, format="json")
    post = Post.objects.get(pk=r.json()["id"])
    assert post.status == "scheduled"
    assert publish_due_posts() == 0
    assert publish_due_posts(now=later + timedelta(seconds=1)) == 1
    assert publish_due_posts(now=later + timedelta(seconds=2)) == 0
    post.refresh_from_db()
    assert post.status == "published"


def test_edit_keeps_history_and_only_owner_edits(api_client):
    creator = make_creator()
    post = make_post(creator, public=True, text="first")
    api_client.force_authenticate(make_creator())
    assert api_client.put(f"/api/v1/posts/{post.pk}/", {**_body(public=True), "text": "x"},
                          format="json").status_code == 404
    api_client.force_authenticate(creator)
    r = api_client.put(f"/api/v1/posts/{post.pk}/", {**_body(public=True), "text": "second"}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "second"
    assert list(PostRevision.objects.values_list("text", flat=True)) == ["first"]


def test_like_and_comment_need_access(api_client):
    creator = make_creator()
    post = make_post(creator, subscribers=True)
    fan = make_fan()
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/posts/{post.pk}/like/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "NOT_ENTITLED"
    assert api_client.get(f"/api/v1/posts/{post.pk}/comments/").status_code == 404
    make_subscription(fan, make_tier(creator))
    assert api_client.post(f"/api/v1/posts/{post.pk}/like/").status_code == 204
    assert api_client.post(f"/api/v1/posts/{post.pk}/like/").status_code == 204  # twice counts once
    post.refresh_from_db()
    assert post.like_count == 1
    assert api_client.post(f"/api/v1/posts/{post.pk}/comments/", {"text": "nice"}, format="json").status_code == 201
    post.comments_enabled = False
    post.save()
    r = api_client.post(f"/api/v1/posts/{post.pk}/comments/", {"text": "again"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "COMMENTS_DISABLED"


def test_follow_unfollow_and_block(api_client):
    creator = make_creator()
    fan = make_fan()
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/creators/{creator.handle}/follow/").status_code == 204
    assert Follow.objects.filter(fan=fan, creator=creator).exists()
    assert api_client.delete(f"/api/v1/creators/{creator.handle}/follow/").status_code == 204
    assert not Follow.objects.exists()
    sub = make_subscription(fan, make_tier(creator))
    api_client.force_authenticate(creator)
    assert api_client.post(f"/api/v1/users/{fan.handle}/block/").status_code == 204
    sub.refresh_from_db()
    assert sub.status == "canceled" and not sub.renews and sub.end_reason == "blocked"
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/creators/{creator.handle}/follow/")
    assert r.status_code in (403, 404)


def test_feed_has_constant_queries_and_cursor(api_client, django_assert_max_num_queries):
    fan = make_fan()
    for index in range(10):
        creator = make_creator()
        tier = make_tier(creator)
        if index % 2:
            Follow.objects.create(fan=fan, creator=creator)
        else:
            make_subscription(fan, tier)
        make_post(creator, public=True)
        make_post(creator, tiers=[tier])
    make_post(make_creator(), public=True)  # not followed: not in the feed
    api_client.force_authenticate(fan)
    with django_assert_max_num_queries(15):
        first = api_client.get("/api/v1/feed/?page_size=5").json()
    with django_assert_max_num_queries(15):
        everything = api_client.get("/api/v1/feed/?page_size=50").json()
    assert len(everything["results"]) == 20 and everything["next_cursor"] is None
    assert len(first["results"]) == 5 and first["next_cursor"]
    seen = [p["id"] for p in first["results"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api_client.get(f"/api/v1/feed/?page_size=5&cursor={cursor}").json()
        seen += [p["id"] for p in page["results"]]
        cursor = page["next_cursor"]
    assert seen == [p["id"] for p in everything["results"]]
    locked = [p for p in everything["results"] if p["locked"]]
    assert all(p["text"] is None for p in locked)


def test_tiers_api_bounds_and_bundles(api_client):
    creator = make_creator(verified=True)
    api_client.force_authenticate(creator)
    r = api_client.post("/api/v1/me/tiers/", {"name": "Cheap", "price": {"amount_minor": 100, "currency": "USD"}},
                        format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "PRICE_OUT_OF_BOUNDS"
    r = api_client.post("/api/v1/me/tiers/", {"name": "Gold", "price": {"amount_minor": 999, "currency": "USD"}},
                        format="json")
    tier_id = r.json()["id"]
    r = api_client.post(f"/api/v1/me/tiers/{tier_id}/bundles/", {"months": 6, "discount_percent": 60}, format="json")
    assert r.status_code == 400
    r = api_client.post(f"/api/v1/me/tiers/{tier_id}/bundles/", {"months": 6, "discount_percent": 10}, format="json")
    assert r.json()["price"]["amount_minor"] == 5395  # 6 × 9.99 × 0.9 = 53.946 → 53.95
    tiers = api_client.get(f"/api/v1/creators/{creator.handle}/tiers/").json()
    assert tiers[0]["bundles"][0]["months"] == 6
    assert api_client.post(f"/api/v1/me/tiers/{tier_id}/archive/").json()["is_archived"] is True
    assert api_client.get(f"/api/v1/creators/{creator.handle}/tiers/").json() == []
