"""Every audience rule × every kind of person: the expected answer, and the reason when refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from fansub.accounts.models import Block, Follow
from fansub.posts import entitlements
from fansub.posts.entitlements import Denial
from fansub.purchases.models import PostPurchase
from tests.factories import make_creator, make_fan, make_post, make_staff, make_subscription, make_tier, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    creator = make_creator(handle="maker")
    gold = make_tier(creator, name="Gold", price_minor=1999)
    silver = make_tier(creator, name="Silver", price_minor=999)
    bronze = make_tier(creator, name="Bronze", price_minor=499)
    people = {
        "anonymous": AnonymousUser(),
        "fan": make_fan(handle="plain_fan"),
        "follower": make_fan(handle="follower"),
        "bronze_sub": make_fan(handle="bronze_sub"),
        "silver_sub": make_fan(handle="silver_sub"),
        "gold_sub": make_fan(handle="gold_sub"),
        "buyer": make_fan(handle="buyer"),
        "blocked": make_fan(handle="blocked_fan"),
        "creator": creator,
        "staff": verified(make_staff()),  # after the second factor: a password-only staff session is a fan
    }
    Follow.objects.create(fan=people["follower"], creator=creator)
    make_subscription(people["bronze_sub"], bronze)
    make_subscription(people["silver_sub"], silver)
    make_subscription(people["gold_sub"], gold)
    make_subscription(people["blocked"], gold)
    Block.objects.create(blocker=creator, blocked=people["blocked"])
    posts = {
        "public": make_post(creator, public=True),
        "followers": make_post(creator, followers=True),
        "subscribers": make_post(creator, subscribers=True),
        "gold_and_bronze": make_post(creator, tiers=[gold, bronze]),  # any set, not "X and up"
        "ppv": make_post(creator, ppv_minor=500),
        "silver_or_ppv": make_post(creator, tiers=[silver], ppv_minor=300),
        "nobody": make_post(creator),
    }
    PostPurchase.objects.create(post=posts["ppv"], fan=people["buyer"])
    return people, posts, {"gold": gold, "silver": silver, "bronze": bronze}


OK = True
EXPECTED = {
    # person:          public  followers  subscribers  gold_and_bronze  ppv  silver_or_ppv  nobody
    "anonymous":   (OK, Denial.NOT_FOLLOWING, Denial.NOT_SUBSCRIBED, Denial.NOT_SUBSCRIBED,
                    Denial.PPV_NOT_PURCHASED, Denial.NOT_SUBSCRIBED, Denial.CREATOR_ONLY),
    "fan":         (OK, Denial.NOT_FOLLOWING, Denial.NOT_SUBSCRIBED, Denial.NOT_SUBSCRIBED,
                    Denial.PPV_NOT_PURCHASED, Denial.NOT_SUBSCRIBED, Denial.CREATOR_ONLY),
    "follower":    (OK, OK, Denial.NOT_SUBSCRIBED, Denial.NOT_SUBSCRIBED, Denial.PPV_NOT_PURCHASED,
                    Denial.NOT_SUBSCRIBED, Denial.CREATOR_ONLY),
    "bronze_sub":  (OK, OK, OK, OK, Denial.PPV_NOT_PURCHASED, Denial.TIER_NOT_INCLUDED, Denial.CREATOR_ONLY),
    "silver_sub":  (OK, OK, OK, Denial.TIER_NOT_INCLUDED, Denial.PPV_NOT_PURCHASED, OK, Denial.CREATOR_ONLY),
    "gold_sub":    (OK, OK, OK, OK, Denial.PPV_NOT_PURCHASED, Denial.TIER_NOT_INCLUDED, Denial.CREATOR_ONLY),
    "buyer":       (OK, Denial.NOT_FOLLOWING, Denial.NOT_SUBSCRIBED, Denial.NOT_SUBSCRIBED, OK,
                    Denial.NOT_SUBSCRIBED, Denial.CREATOR_ONLY),
    "blocked":     (Denial.BLOCKED,) * 7,
    "creator":     (OK,) * 7,
    "staff":       (OK,) * 7,
}
POST_ORDER = ["public", "followers", "subscribers", "gold_and_bronze", "ppv", "silver_or_ppv", "nobody"]


@pytest.mark.parametrize("person", list(EXPECTED))
def test_every_rule_for_every_person(world, person):
    people, posts, _ = world
    viewer = people[person]
    decisions = entitlements.decide_many(viewer, [posts[name] for name in POST_ORDER])
    for name, expected in zip(POST_ORDER, EXPECTED[person], strict=True):
        decision = decisions[posts[name].pk]
        if expected is OK:
            assert decision.allowed, f"{person} should see {name}, got {decision.reason}"
        else:
            assert not decision.allowed and decision.reason == expected, f"{person}/{name}: {decision.reason}"
        assert decision == entitlements.decide_one(viewer, posts[name])


def test_cheapest_unlock_is_offered_first(world):
    people, posts, tiers = world
    fan = people["fan"]
    followers = entitlements.decide_one(fan, posts["followers"])
    assert followers.cheapest_unlock.kind == "follow" and followers.cheapest_unlock.price is None
    subs = entitlements.decide_one(fan, posts["subscribers"])
    assert subs.cheapest_unlock.kind == "subscribe" and subs.cheapest_unlock.tier_id == tiers["bronze"].pk
    mixed = entitlements.decide_one(fan, posts["silver_or_ppv"])
    assert [o.kind for o in mixed.unlock] == ["purchase", "subscribe"]  # 3.00 PPV before 9.99 silver
    assert mixed.unlock[1].tier_id == tiers["silver"].pk


def test_expired_and_lapsed_subscriptions_grant_nothing(world):
    _people, posts, tiers = world
    fan = make_fan()
    sub = make_subscription(fan, tiers["gold"], days_left=-1)
    assert entitlements.decide_one(fan, posts["subscribers"]).reason == Denial.NOT_SUBSCRIBED
    sub.status, sub.grace_until = "past_due", timezone.now() + timedelta(days=2)
    sub.save()
    assert entitlements.decide_one(fan, posts["subscribers"]).allowed  # inside the grace period
    sub.grace_until = timezone.now() - timedelta(minutes=1)
    sub.save()
    assert not entitlements.decide_one(fan, posts["subscribers"]).allowed
    sub.status, sub.current_period_end = "canceled", timezone.now() + timedelta(days=3)
    sub.save()
    assert entitlements.decide_one(fan, posts["subscribers"]).allowed  # canceled runs to period end


def test_refunded_purchase_revokes_access(world):
    people, posts, _ = world
    PostPurchase.objects.filter(fan=people["buyer"]).update(revoked_at=timezone.now())
    assert entitlements.decide_one(people["buyer"], posts["ppv"]).reason == Denial.PPV_NOT_PURCHASED


def test_removed_expired_and_unpublished_posts(world):
    people, posts, _ = world
    post = posts["public"]
    post.expires_at = timezone.now() - timedelta(seconds=1)
    post.save()
    assert entitlements.decide_one(people["fan"], post).reason == Denial.REMOVED
    assert entitlements.decide_one(people["creator"], post).allowed
    post.expires_at, post.status = None, "removed"
    post.save()
    assert entitlements.decide_one(people["creator"], post).reason == Denial.REMOVED
    assert entitlements.decide_one(people["staff"], post).allowed


def test_adult_posts_need_age_assurance(world):
    people, _, _tiers = world
    adult = make_creator(handle="adult_maker", adult=True)
    post = make_post(adult, public=True)
    assert entitlements.decide_one(AnonymousUser(), post).reason == Denial.AGE_VERIFICATION_REQUIRED
    assert entitlements.decide_one(people["gold_sub"], post).reason == Denial.AGE_VERIFICATION_REQUIRED
    assert entitlements.decide_one(adult, post).allowed


def test_bulk_decisions_use_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    people, _posts, _ = world
    creator = people["creator"]
    many = [make_post(creator, subscribers=True) for _ in range(30)]
    from fansub.posts.models import Post

    few = list(Post.objects.filter(pk__in=[p.pk for p in many[:3]]).select_related("creator__creator_profile")
               .prefetch_related("audience_tiers"))
    lots = list(Post.objects.filter(pk__in=[p.pk for p in many]).select_related("creator__creator_profile")
                .prefetch_related("audience_tiers"))
    with django_assert_max_num_queries(8) as small:
        entitlements.decide_many(people["gold_sub"], few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        entitlements.decide_many(people["gold_sub"], lots)
