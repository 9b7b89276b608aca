"""Walk the API operations the feature suites do not reach with a success, so that the schema-checked
client (tests/contract/openapi.py) compares each real 2xx body with its documented shape."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
CARD_3DS = "4000002500003155"


def _later(days: int) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_creator_side_operations_match_the_schema(api_client):
    creator = make_creator(verified=True, country="US")
    tier = make_tier(creator)
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, tier)
    api_client.force_authenticate(creator)
    assert api_client.get("/api/v1/me/profile/").status_code == 200
    assert api_client.get("/api/v1/me/tiers/").status_code == 200
    r = api_client.put("/api/v1/me/request-settings/", {"enabled": True, "min_prices": {"video": 5000},
                                                         "turnaround_days": 5, "slots": 2}, format="json")
    assert r.status_code == 200, r.json()
    r = api_client.post("/api/v1/me/trial-links/", {"tier_id": tier.pk, "days": 7, "max_claims": 5,
                                                     "expires_at": _later(10)}, format="json")
    assert r.status_code == 201, r.json()
    r = api_client.post("/api/v1/me/promotions/", {
        "tier_id": tier.pk, "kind": "percent_off", "percent_off": 20, "max_claims": 5,
        "starts_at": timezone.now().isoformat(), "ends_at": _later(10)}, format="json")
    assert r.status_code == 201, r.json()
    assert api_client.get("/api/v1/me/subscribers/").status_code == 200
    assert api_client.get(f"/api/v1/me/vault/fans/{fan.handle}/").status_code == 200

    post = make_post(creator, public=True)
    assert api_client.post(f"/api/v1/posts/{post.pk}/pin/").status_code == 204
    assert api_client.delete(f"/api/v1/posts/{post.pk}/pin/").status_code == 204
    assert api_client.delete(f"/api/v1/posts/{post.pk}/").status_code == 204

    api_client.force_authenticate(fan)
    assert api_client.get("/api/v1/me/profile/").status_code == 200
    assert api_client.get(f"/api/v1/creators/{creator.handle}/request-terms/").status_code == 200
    assert api_client.get("/api/v1/subscriptions/").status_code == 200


def test_fan_side_operations_match_the_schema(api_client):
    creator = make_creator(verified=True, country="US")
    tier = make_tier(creator)
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, tier)
    post = make_post(creator, public=True)
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/posts/{post.pk}/comments/", {"text": "nice"}, format="json").status_code == 201
    assert api_client.get(f"/api/v1/posts/{post.pk}/comments/").status_code == 200
    assert api_client.post(f"/api/v1/posts/{post.pk}/like/").status_code == 204
    assert api_client.delete(f"/api/v1/posts/{post.pk}/like/").status_code == 204
    r = api_client.post("/api/v1/tips/", {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "USD"},
                                          "payment_method": CARD_3DS}, format="json", HTTP_IDEMPOTENCY_KEY="tip-3ds")
    assert r.status_code == 202, r.json()
    r = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "hello"}, format="json")
    assert r.status_code == 201, r.json()
    thread_id = r.json()["thread_id"]

    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/threads/{thread_id}/paid-messages/",
                        {"text": "a secret", "price": {"amount_minor": 700, "currency": "USD"}}, format="json",
                        HTTP_IDEMPOTENCY_KEY="paid-message-1")
    assert r.status_code == 201, r.json()
    assert api_client.post(f"/api/v1/messages/{r.json()['id']}/unsend/").status_code == 200

    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/users/{creator.handle}/block/").status_code == 204
    assert api_client.delete(f"/api/v1/users/{creator.handle}/block/").status_code == 204


def test_token_logout_matches_the_schema(api_client):
    api_client.force_authenticate(make_fan())
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
