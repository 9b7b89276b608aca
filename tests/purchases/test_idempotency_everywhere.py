"""One idempotency mechanism (the stored first response) on every endpoint that moves money."""

import pytest

from payments.models import IdempotentRequest
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"

def test_every_money_endpoint_uses_the_stored_response_mechanism():
    from fansub.custom_requests.api import views as requests_api
    from fansub.purchases.api import views as purchases_api
    from fansub.subscriptions.api import views as subscriptions_api
    from payments.api import views as payments_api

    handlers = [subscriptions_api.SubscriptionsView.post, subscriptions_api.ChangeTierView.post,
                purchases_api.TipsView.post, purchases_api.PostUnlockView.post, purchases_api.MessageUnlockView.post,
                purchases_api.PaidMessageView.post, requests_api.RequestsView.post, requests_api.RequestDetailView.post,
                payments_api.PaymentRefundView.post]
    assert [h.__qualname__ for h in handlers if not getattr(h, "idempotent_endpoint", None)] == []


def test_a_replayed_unlock_answers_the_first_response_and_a_different_body_conflicts(api_client):
    creator = make_creator(country="US")
    post = make_post(creator, ppv_minor=500)
    api_client.force_authenticate(make_fan(country="US", region="US-TX"))
    url = f"/api/v1/posts/{post.pk}/unlock/"
    assert api_client.post(url, {"payment_method": CARD}, format="json").status_code == 400
    first = api_client.post(url, {"payment_method": CARD}, format="json", HTTP_IDEMPOTENCY_KEY="u-1")
    again = api_client.post(url, {"payment_method": CARD}, format="json", HTTP_IDEMPOTENCY_KEY="u-1")
    assert first.status_code in (200, 201) and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    other = api_client.post(url, {"payment_method": "4000000000000002"}, format="json", HTTP_IDEMPOTENCY_KEY="u-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "IDEMPOTENCY_CONFLICT"


def test_a_question_for_the_fan_is_not_stored_so_the_same_key_completes_the_request(api_client):
    from tests.factories import make_tier

    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    api_client.force_authenticate(make_fan(country="GB"))
    body = {"tier_id": tier.pk, "payment_method": CARD}  # the simulator's US card, a GB fan
    r = api_client.post("/api/v1/subscriptions/", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "TAX_LOCATION_CONFLICT"
    assert not IdempotentRequest.objects.filter(key="s-1").exists()
    r = api_client.post("/api/v1/subscriptions/", {**body, "confirmed_country": "GB"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="s-1")
    assert r.status_code == 201, r.json()


def test_request_accept_needs_a_key_but_other_actions_do_not(api_client):
    from fansub.custom_requests.services import custom_requests as svc

    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 1000}, turnaround_days=5, slots=2,
                  prohibited_topics=[])
    fan = make_fan(country="US", region="US-TX")
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "kind": "video", "description": "A short birthday song for my sister",
            "price": {"amount_minor": 1500, "currency": "USD"}, "payment_method": CARD}
    r = api_client.post("/api/v1/requests/", body, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    r = api_client.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "accept"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "decline", "note": "busy"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "declined"
