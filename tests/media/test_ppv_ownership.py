"""Issue 10 "Money rules": bought PPV stays the buyer's whatever the creator later does, and the same media is
never charged twice."""

import pytest
from django.urls import reverse

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
