"""The studio composer: publish, schedule, expiry, drafts list, edit with history, pin, publish a draft, delete."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import InvalidTransition, ValidationFailed
from fansub.posts.models import Post, PostRevision
from fansub.posts.services import posts
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db


def _local(dt):
    return dt.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def creator():
    return make_creator(country="US", verified=True)


def test_compose_publishes_with_vault_media_and_lands_on_the_studio_page(client, creator, upload_image):
    item = upload_image(creator)
    client.force_login(creator)
    page = client.get("/studio/compose/").content.decode()
    assert str(item.public_id) in page and f"/media/p/{item.public_id}/thumbnail/" in page  # a thumbnail to pick
    r = client.post("/studio/compose/", {"text": "hello all", "public": "on", "media": [str(item.public_id)],
                                         "comments_enabled": "on", "action": "publish"})
    post = Post.objects.get(creator=creator)
    assert r.status_code == 302 and r["Location"] == f"/studio/posts/{post.pk}/"
    assert post.status == "published" and post.comments_enabled


def test_schedule_and_expiry(client, creator):
    client.force_login(creator)
    when = timezone.now() + timedelta(days=2)
    client.post("/studio/compose/", {"text": "later", "public": "on", "publish_at": _local(when),
                                     "expires_at": _local(when + timedelta(days=7)), "action": "publish"})
    post = Post.objects.get(creator=creator)
    assert post.status == "scheduled" and post.published_at is None
    assert post.publish_at.strftime("%Y-%m-%d %H:%M") == when.strftime("%Y-%m-%d %H:%M")
    assert post.expires_at > post.publish_at
    assert "Publishes" in client.get(f"/studio/posts/{post.pk}/").content.decode()
    assert "later" in client.get("/studio/posts/").content.decode()
    assert posts.publish_due_posts(now=when + timedelta(minutes=1)) == 1


def test_bad_schedule_input_is_refused_in_place(client, creator):
    client.force_login(creator)
    now = timezone.now()
    page = client.post("/studio/compose/", {"text": "oops", "public": "on",
                                            "publish_at": _local(now + timedelta(days=2)),
                                            "expires_at": _local(now + timedelta(days=1)), "action": "publish"})
    assert page.status_code == 200 and "Expiry must be after publication." in page.content.decode()
    page = client.post("/studio/compose/", {"text": "oops", "public": "on", "publish_at": "tomorrow-ish",
                                            "action": "publish"})
    assert "A date and time like" in page.content.decode() and "oops" in page.content.decode()
    page = client.post("/studio/compose/", {"text": "nobody", "action": "publish"}).content.decode()
    assert "Choose who can see this post." in page
    assert not Post.objects.exists()


def test_drafts_list_and_a_drafts_page_say_when_it_was_saved(client, creator):
    client.force_login(creator)
    client.post("/studio/compose/", {"text": "half-written", "action": "draft"})
    draft = Post.objects.get(creator=creator)
    assert draft.status == "draft"
    listing = client.get("/studio/posts/").content.decode()
    assert "half-written" in listing and f"/studio/posts/{draft.pk}/" in listing
    page = client.get(f"/studio/posts/{draft.pk}/").content.decode()
    assert "Last saved" in page and "· ago" not in page
    # The draft as a post card (the creator's own view of the post page) names its state instead of "· ago".
    assert "· ago" not in client.get(f"/p/{draft.pk}/").content.decode()
    r = client.post(f"/studio/posts/{draft.pk}/", {"text": "finished", "public": "on", "action": "save"})
    assert r.status_code == 302
    client.post(f"/studio/posts/{draft.pk}/", {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.text == "finished"


def test_edit_keeps_a_visible_history_pin_and_delete(client, creator):
    post = make_post(creator, public=True, text="first words")
    client.force_login(creator)
    client.post(f"/studio/posts/{post.pk}/", {"text": "second words", "public": "on", "comments_enabled": "on"})
    client.post(f"/studio/posts/{post.pk}/", {"text": "third words", "public": "on", "comments_enabled": "on"})
    page = client.get(f"/studio/posts/{post.pk}/").content.decode()
    assert "Edit history" in page and "first words" in page and "second words" in page
    assert PostRevision.objects.filter(post=post).count() == 2
    client.post(f"/studio/posts/{post.pk}/", {"action": "pin"})
    post.refresh_from_db()
    assert post.is_pinned
    client.post(f"/studio/posts/{post.pk}/", {"action": "unpin"})
    post.refresh_from_db()
    assert not post.is_pinned
    r = client.post(f"/studio/posts/{post.pk}/", {"action": "delete"})
    assert r.status_code == 302 and not Post.objects.filter(pk=post.pk).exists()
    assert client.get(f"/studio/posts/{post.pk}/").status_code == 404  # gone; a replay finds nothing


def test_publishing_twice_is_refused(client, creator):
    post = make_post(creator, public=True)
    client.force_login(creator)
    page = client.post(f"/studio/posts/{post.pk}/", {"action": "publish"}).content.decode()
    assert "Only drafts and scheduled posts can be published." in page


def test_other_creators_and_fans_cannot_reach_a_post_in_the_studio(client, creator):
    post = make_post(creator, public=True, text="mine")
    client.force_login(make_creator(country="US", verified=True))
    assert client.get(f"/studio/posts/{post.pk}/").status_code == 404
    assert client.post(f"/studio/posts/{post.pk}/", {"action": "delete"}).status_code == 404
    client.force_login(make_fan())
    assert client.get(f"/studio/posts/{post.pk}/").status_code == 404
    assert client.get("/studio/compose/").status_code == 404
    assert Post.objects.filter(pk=post.pk, text="mine").exists()


def test_schedule_a_draft_and_move_a_scheduled_post(client, creator):
    client.force_login(creator)
    client.post("/studio/compose/", {"text": "draft", "public": "on", "action": "draft"})
    post = Post.objects.get(creator=creator)
    when = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    client.post(f"/studio/posts/{post.pk}/", {"text": "draft", "public": "on", "publish_at": _local(when)})
    post.refresh_from_db()
    assert post.status == "scheduled" and post.publish_at == when
    later = when + timedelta(days=2)
    client.post(f"/studio/posts/{post.pk}/", {"text": "draft", "public": "on", "publish_at": _local(later)})
    post.refresh_from_db()
    assert post.status == "scheduled" and post.publish_at == later
    past = client.post(f"/studio/posts/{post.pk}/", {"text": "draft", "public": "on",
                                                     "publish_at": _local(timezone.now() - timedelta(days=1))})
    assert "Choose a time in the future." in past.content.decode()
    published = make_post(creator, public=True)
    with pytest.raises(InvalidTransition):
        posts.schedule_post(creator, published.pk, later)
    empty = make_post(creator, status="draft")
    with pytest.raises(ValidationFailed):
        posts.schedule_post(creator, empty.pk, later)
