"""Issue 10 "Money rules": bought PPV stays the buyer's whatever the creator later does, and the same media is
never charged twice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import DuplicateOffer
from fansub.accounts.services import social
from fansub.media.services import signing
from fansub.posts import entitlements
from fansub.posts.selectors import post_for_viewer
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.purchases.services import ppv
from payments.models import Payment
from payments.money import Money
from tests.factories import make_fan, make_tier, verify_creator
from tests.media import corpus

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


@pytest.fixture
def us_creator(creator):
    creator.creator_profile.country = "US"
    creator.creator_profile.save()
    verify_creator(creator)  # a creator who sells is identity-verified
    return creator


@pytest.fixture
def item(us_creator, upload):
    item = upload(us_creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    assert item.state == "ready"
    return item


def _final(viewer, item):
    return reverse("media-signed", kwargs={"token": signing.sign(viewer.pk, item.pk, "final")})


def _ppv_post(creator, item, text="for sale"):
    return posts.create_post(creator, PostInput(text=text, audience=AudienceSpec(ppv_price=Money(500, "USD")),
                                                media_ids=(str(item.public_id),)))


def test_bought_ppv_stays_after_creator_edits_deletes_or_blocks(client, us_creator, item,
                                                                django_capture_on_commit_callbacks):
    post = _ppv_post(us_creator, item)
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, post.pk, payment_method=CARD)
    client.force_login(fan)
    # The creator moves the post to a tier the fan does not have (and takes it off sale).
    tier = make_tier(us_creator)
    posts.edit_post(us_creator, post.pk, PostInput(text="tier only", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                                   media_ids=(str(item.public_id),)))
    post.refresh_from_db()
    assert entitlements.decide_one(fan, post).allowed
    assert client.get(_final(fan, item)).status_code == 200
    # The creator blocks the fan.
    social.block(us_creator, fan)
    assert entitlements.decide_one(fan, post).allowed
    assert client.get(_final(fan, item)).status_code == 200
    # The creator deletes the post: gone for everyone else, still readable to its buyer.
    posts.delete_post(us_creator, post.pk)
    post.refresh_from_db()
    card = post_for_viewer(fan, post.pk)
    assert card is not None and card.decision.allowed
    assert client.get(_final(fan, item)).status_code == 200
    assert post_for_viewer(make_fan(), post.pk) is None


def test_ppv_post_with_an_item_already_bought_is_not_charged_again(us_creator, item,
                                                                   django_capture_on_commit_callbacks):
    first = _ppv_post(us_creator, item, "first")
    again = _ppv_post(us_creator, item, "same photo again")
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, first.pk, payment_method=CARD)
    with pytest.raises(DuplicateOffer) as refused:
        ppv.buy_post(fan, again.pk, payment_method=CARD)
    assert refused.value.details["media_ids"] == [str(item.public_id)]
    assert Payment.objects.filter(fan=fan, status="succeeded").count() == 1


def _card_media_ids(viewer, post):
    card = post_for_viewer(viewer, post.pk)
    return [m["id"] for m in card.media] if card is not None else None


def test_bought_ppv_media_detached_after_purchase_stays_with_the_buyer(client, us_creator, item, upload,
                                                                       django_capture_on_commit_callbacks):
    other = upload(us_creator, corpus.jpeg_with_gps(seed=7), name="y.jpg", content_type="image/jpeg")
    post = posts.create_post(us_creator, PostInput(
        text="two photos", audience=AudienceSpec(ppv_price=Money(500, "USD")),
        media_ids=(str(item.public_id), str(other.public_id))))
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, post.pk, payment_method=CARD)
    # The creator detaches one photo from the post after the sale.
    posts.edit_post(us_creator, post.pk, PostInput(text="one photo", audience=AudienceSpec(ppv_price=Money(500, "USD")),
                                                   media_ids=(str(other.public_id),)))
    client.force_login(fan)
    assert client.get(_final(fan, item)).status_code == 200  # the buyer keeps what they bought
    assert str(item.public_id) in _card_media_ids(fan, post)  # and still sees it on the post they bought
    stranger = make_fan(country="US", region="US-TX")
    client.force_login(stranger)
    assert client.get(_final(stranger, item)).status_code != 200
    assert str(item.public_id) not in (_card_media_ids(stranger, post) or [])
    # A refund takes it back.
    from fansub.purchases.models import PostPurchase

    PostPurchase.objects.filter(fan=fan).update(revoked_at=timezone.now())
    client.force_login(fan)
    assert client.get(_final(fan, item)).status_code != 200


def test_ppv_post_reoffering_an_item_detached_from_a_bought_post_is_refused_with_duplicate_offer(
        api_client, us_creator, item, upload, django_capture_on_commit_callbacks):
    """Decision: a PPV post carrying anything the fan already owns is refused (DUPLICATE_OFFER, 409) before any
    charge — never charged in part; ownership counts items bought with a post even after they were detached."""
    first = _ppv_post(us_creator, item, "first")
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, first.pk, payment_method=CARD)
    other = upload(us_creator, corpus.jpeg_with_gps(seed=9), name="z.jpg", content_type="image/jpeg")
    posts.edit_post(us_creator, first.pk, PostInput(text="swapped", audience=AudienceSpec(ppv_price=Money(500, "USD")),
                                                    media_ids=(str(other.public_id),)))
    again = _ppv_post(us_creator, item, "the old photo, sold again")
    api_client.force_authenticate(fan)
    response = api_client.post(f"/api/v1/posts/{again.pk}/unlock/", {"payment_method": CARD}, format="json",
                               HTTP_IDEMPOTENCY_KEY="k-dup-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "DUPLICATE_OFFER"
    assert response.json()["error"]["details"]["media_ids"] == [str(item.public_id)]
    assert Payment.objects.filter(fan=fan, status="succeeded").count() == 1


def test_creator_cannot_delete_a_bought_item_from_the_vault_but_staff_can(client, api_client, us_creator, item,
                                                                         django_capture_on_commit_callbacks):
    from fansub.media.models import MediaItem
    from fansub.media.services.deletion import delete_media_item
    from tests.factories import make_staff, verified

    post = _ppv_post(us_creator, item)
    fan = make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        ppv.buy_post(fan, post.pk, payment_method=CARD)
    posts.edit_post(us_creator, post.pk, PostInput(text="nothing attached now",
                                                   audience=AudienceSpec(ppv_price=Money(500, "USD"))))
    api_client.force_authenticate(us_creator)
    response = api_client.delete(f"/api/v1/media/{item.public_id}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "MEDIA_BOUGHT"
    assert MediaItem.objects.filter(pk=item.pk).exists()
    client.force_login(fan)
    assert client.get(_final(fan, item)).status_code == 200
    delete_media_item(verified(make_staff()), item, reason="moderation")  # staff removal still deletes it
    assert not MediaItem.objects.filter(pk=item.pk).exists()
