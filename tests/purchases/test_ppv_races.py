"""Duplicate ownership: eight parallel unlocks of one pay-per-view post by one fan (different
Idempotency-Keys, through the HTTP stack on PostgreSQL) charge once — the unlock's payment key is derived
from (item, fan, attempt), so the payments write-ahead row's unique constraint decides before the provider."""

import pytest

from fansub.purchases.models import PostPurchase
from payments.models import Payment
from payments.services import verify
from tests.factories import make_creator, make_fan, make_post
from tests.http_race import Call, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_parallel_unlocks_of_one_post_charge_once(live_server):
    creator = make_creator(country="US")
    post = make_post(creator, ppv_minor=800)
    fan = make_fan(country="US", region="US-TX")
    calls = [Call(fan, f"/api/v1/posts/{post.pk}/unlock/", {"payment_method": "4242424242424242"}, f"ppv-{i}")
             for i in range(8)]
    responses = race(live_server, calls)
    assert all(r.status_code == 201 for r in responses), [r.json() for r in responses]
    assert PostPurchase.objects.filter(post=post, fan=fan).count() == 1
    assert Payment.objects.filter(purpose="ppv_post").count() == 1
    assert Payment.objects.filter(purpose="ppv_post", status="succeeded").count() == 1
    assert verify.verify().ok
