"""Posts and subscription checkouts move only through their transition tables; the database refuses
a status outside the choices and a subscription period that ends before it starts."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import InvalidTransition
from fansub.posts.models import POST_TRANSITIONS, Post
from fansub.posts.services import posts
from fansub.subscriptions.models import CHECKOUT_TRANSITIONS, Subscription, SubscriptionCheckout
from fansub.subscriptions.services import subscriptions
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def test_a_draft_is_published_and_a_published_post_cannot_be_published_again():
    creator = make_creator()
    draft = make_post(creator, public=True, status="draft")
    published = posts.publish_post(creator, draft.pk)
    assert published.status == "published" and published.published_at is not None
    with pytest.raises(InvalidTransition) as exc:
        posts.publish_post(creator, draft.pk)
    assert exc.value.status == 409
    assert exc.value.details == {"machine": "post", "from": "published", "to": "published"}


def test_a_removed_post_cannot_come_back():
    post = make_post(make_creator(), public=True)
    POST_TRANSITIONS.move(post, "removed")
    for target in ("draft", "scheduled", "published"):
        with pytest.raises(InvalidTransition):
            POST_TRANSITIONS.check(post.status, target)


def test_the_database_refuses_an_unknown_post_status():
    post = make_post(make_creator(), public=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status="archived")


def _checkout(fan, tier, ref="pay-1"):
    return SubscriptionCheckout.objects.create(fan=fan, tier=tier, idempotency_key=f"k-{ref}", payment_reference=ref)


def test_a_pending_checkout_fails_once_and_a_settled_one_does_not_move():
    creator = make_creator()
    tier = make_tier(creator)
    checkout = _checkout(make_fan(), tier)
    subscriptions.complete_checkout_payment("pay-1", succeeded=False)
    checkout.refresh_from_db()
    assert checkout.status == "failed"
    subscriptions.complete_checkout_payment("pay-1", succeeded=True)  # a late duplicate report: nothing pending
    checkout.refresh_from_db()
    assert checkout.status == "failed"
    with pytest.raises(InvalidTransition):
        CHECKOUT_TRANSITIONS.move(checkout, "completed")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionCheckout.objects.filter(pk=checkout.pk).update(status="refunded")


def test_the_database_refuses_a_period_that_ends_before_it_starts():
    creator = make_creator()
    sub = make_subscription(make_fan(), make_tier(creator))
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=sub.pk).update(current_period_end=sub.current_period_start)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=sub.pk).update(status="paused")
    now = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(current_period_start=now, current_period_end=now + timedelta(days=1))
