"""Finals attached to posts, messages and request deliveries follow fansub's entitlements, by every route."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from fansub.accounts.models import Follow
from fansub.media.services import signing
from fansub.messaging.models import MessageThread
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.purchases.services import ppv
from payments.money import Money
from tests.factories import ensure_verified_creator, make_fan, make_subscription, make_tier
from tests.media import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(creator, upload):
    item = upload(creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    assert item.state == "ready"
    return item


def _signed(viewer, item, kind="final"):
    return reverse("media-signed", kwargs={"token": signing.sign(viewer.pk, item.pk, kind)})


def test_subscriber_gets_the_final_others_only_previews(api_client, client, creator, item):
    tier = make_tier(creator)
    post = posts.create_post(creator, PostInput(text="with a photo", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                                media_ids=(str(item.public_id),)))
    subscriber, outsider = make_fan(), make_fan()
    make_subscription(subscriber, tier)
    api_client.force_authenticate(outsider)
    locked = api_client.get(f"/api/v1/posts/{post.pk}/").json()
    assert locked["locked"] and locked["media"][0]["final_url"] is None and locked["media"][0]["preview_url"]
    assert client.get(locked["media"][0]["preview_url"]).status_code == 200
    client.force_login(outsider)
    assert client.get(_signed(outsider, item)).status_code == 403  # forged for himself: still not entitled
    feed_final = [m["final_url"] for c in api_client.get(f"/api/v1/creators/{creator.handle}/posts/").json()["results"]
                  for m in c["media"]]
    assert feed_final == [None]
    api_client.force_authenticate(subscriber)
    body = api_client.get(f"/api/v1/posts/{post.pk}/").json()
    final = body["media"][0]["final_url"]
    assert final and not body["locked"]
    client.force_login(subscriber)
    response = client.get(urlparse(final).path)
    assert response.status_code == 200
    client.force_login(outsider)
    assert client.get(urlparse(final).path).status_code == 403  # subscriber's URL is bound to the subscriber


def test_post_refuses_someone_elses_media(creator, item):
    from common.errors import ValidationFailed
    from tests.factories import make_creator

    with pytest.raises(ValidationFailed) as error:
        posts.create_post(make_creator(), PostInput(text="stolen", audience=AudienceSpec(public=True),
                                                    media_ids=(str(item.public_id),)))
    assert error.value.code == "MEDIA_NOT_ATTACHABLE"


def test_paid_message_media_opens_only_after_unlock(client, creator, item, django_capture_on_commit_callbacks):
    ensure_verified_creator(creator)  # only verified creators sell
    creator.creator_profile.country = "US"
    creator.creator_profile.save()
    fan = make_fan(country="US", region="US-TX")
    Follow.objects.create(fan=fan, creator=creator)
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    message = ppv.send_paid_message(creator, thread.pk, text="set", price=Money(500, "USD"),
                                    media_ids=(str(item.public_id),))
    client.force_login(fan)
    assert client.get(_signed(fan, item)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_message(fan, message.pk, payment_method="4242424242424242")
    assert client.get(_signed(fan, item)).status_code == 200
    with pytest.raises(Exception) as error:
        ppv.send_paid_message(creator, thread.pk, text="again", price=Money(500, "USD"),
                              media_ids=(str(item.public_id),))
    assert getattr(error.value, "code", "") == "DUPLICATE_OFFER"
    statuses = ppv.vault_status_for_fan(creator, fan)
    assert statuses == {item.pk: "bought"}
    assert ppv.vault_status_for_fan(creator, make_fan()) == {}
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(creator)
    listing = api.get(f"/api/v1/me/vault/fans/{fan.handle}/").json()["results"]
    assert listing == [{"id": str(item.public_id), "kind": "image", "status": "bought"}]
    api.force_authenticate(fan)
    assert api.get(f"/api/v1/me/vault/fans/{fan.handle}/").status_code == 404


def test_plain_message_media_reaches_the_thread_fan_only(client, creator, item):
    fan, stranger = make_fan(), make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    from fansub.messaging.services import messages as messaging

    messaging.send(creator, thread.pk, "a photo for you", media_ids=(str(item.public_id),))
    client.force_login(fan)
    assert client.get(_signed(fan, item)).status_code == 200
    client.force_login(stranger)
    assert client.get(_signed(stranger, item)).status_code == 403


def test_mass_ppv_with_media_skips_fans_already_offered(client, creator, item, django_capture_on_commit_callbacks):
    ensure_verified_creator(creator)  # only verified creators sell
    from fansub.messaging.models import MassMessage, Message
    from fansub.messaging.services import mass_messages

    creator.creator_profile.country = "US"
    creator.creator_profile.save()
    fans = [make_fan(country="US", region="US-TX") for _ in range(3)]
    for fan in fans:
        Follow.objects.create(fan=fan, creator=creator)
    already = MessageThread.objects.create(fan=fans[0], creator=creator)
    ppv.send_paid_message(creator, already.pk, text="earlier", price=Money(400, "USD"),
                          media_ids=(str(item.public_id),))
    with django_capture_on_commit_callbacks(execute=True):
        mass = mass_messages.queue(creator, text="new set", segment="followers", price=Money(600, "USD"),
                                   media_ids=(str(item.public_id),))
    mass.refresh_from_db()
    assert mass.status == "sent" and mass.delivered_count == 2 and mass.skipped_count == 1
    copy = Message.objects.get(mass_message=mass, thread__fan=fans[1])
    assert copy.price_minor == 600
    client.force_login(fans[1])
    assert client.get(_signed(fans[1], item)).status_code == 403  # locked until bought
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_message(fans[1], copy.pk, payment_method="4242424242424242")
    assert client.get(_signed(fans[1], item)).status_code == 200
    assert ppv.unsend(creator, copy.pk) == 1  # withdrawn from the fan who did not buy
    assert MassMessage.objects.count() == 1


def test_compose_page_and_thread_page_attach_vault_media(client, creator, item):
    from fansub.media.models import MediaUse

    client.force_login(creator)
    page = client.get("/studio/compose/").content.decode()
    assert str(item.public_id) in page
    r = client.post("/studio/compose/", {"text": "new set", "public": "on", "media": [str(item.public_id)],
                                         "comments_enabled": "on", "action": "publish"})
    assert r.status_code == 302
    assert MediaUse.objects.filter(kind="post", media_item=item).count() == 1
    fan = make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    assert str(item.public_id) in client.get(f"/messages/{thread.pk}/").content.decode()
    client.post(f"/messages/{thread.pk}/", {"text": "for you", "media": [str(item.public_id)]})
    assert MediaUse.objects.filter(kind="message", media_item=item).count() == 1
