"""Custom-request paths before any money moves: terms, screening, counters, declines, expiry, privacy."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from tests.factories import make_creator, make_fan, make_staff, verified

pytestmark = pytest.mark.django_db

DESCRIPTION = "A photo set at the beach at sunset, five pictures, casual summer outfit."


@pytest.fixture
def creator():
    creator = make_creator(verified=True)
    svc.configure(creator, enabled=True, min_prices={"photo_set": 2000, "video": 5000}, turnaround_days=5, slots=2,
                  prohibited_topics=["feet", "costume"])
    return creator


def _submit(api_client, fan, creator, **extra):
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "kind": "photo_set", "description": DESCRIPTION,
            "price": {"amount_minor": 2500, "currency": "USD"}, "payment_method": "4242424242424242", **extra}
    return api_client.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def test_submit_counter_revise_decline(api_client, creator):
    fan = make_fan()
    r = _submit(api_client, fan, creator)
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    rid = r.json()["id"]
    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "counter",
                                                     "price": {"amount_minor": 3500, "currency": "USD"}},
                        format="json")
    assert r.json()["status"] == "countered" and r.json()["price"]["amount_minor"] == 3500
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "revise",
                                                     "price": {"amount_minor": 3000, "currency": "USD"}},
                        format="json")
    assert r.json()["status"] == "submitted"
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "accept"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="accept-1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "INVALID_TRANSITION"  # the fan cannot self-accept
    api_client.force_authenticate(creator)
    assert api_client.post(f"/api/v1/requests/{rid}/", {"action": "decline"}, format="json").json()["status"] \
        == "declined"
    r = api_client.post(f"/api/v1/requests/{rid}/", {"action": "counter",
                                                     "price": {"amount_minor": 3500, "currency": "USD"}},
                        format="json")
    assert r.status_code == 409
    steps = [s["to"] for s in api_client.get(f"/api/v1/requests/{rid}/").json()["steps"]]
    assert steps == ["submitted", "countered", "submitted", "declined"]


@pytest.mark.parametrize(("text", "rule"), [
    ("Please pretend to be a schoolgirl in this photo set for me", "platform:minors"),
    ("A photo set where you look drugged and passed out on the couch", "platform:incapacitation"),
    ("A photo set focused on your feet at the beach, please", "creator:feet"),
])
def test_prohibited_requests_are_refused_and_the_rule_named(api_client, creator, text, rule):
    r = _submit(api_client, make_fan(), creator, description=text)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "REQUEST_PROHIBITED" and r.json()["error"]["details"]["rule"] == rule
    assert CustomRequest.objects.count() == 0


def test_submission_refusals(api_client, creator):
    fan = make_fan()
    r = _submit(api_client, fan, creator, price={"amount_minor": 1000, "currency": "USD"})
    assert r.status_code == 400 and "price" in r.json()["error"]["details"]
    r = _submit(api_client, fan, creator, kind="voice")
    assert r.status_code == 400 and "kind" in r.json()["error"]["details"]
    r = _submit(api_client, fan, make_creator())
    assert r.status_code == 409 and r.json()["error"]["code"] == "REQUESTS_CLOSED"
    r = _submit(api_client, fan, creator, description="too short")
    assert r.status_code == 400


def test_unanswered_request_expires_without_charge(api_client, creator):
    rid = _submit(api_client, make_fan(), creator).json()["id"]
    assert svc.run_request_deadlines(timezone.now())["expired"] == 0
    result = svc.run_request_deadlines(timezone.now() + timedelta(hours=73))
    assert result["expired"] == 1
    req = CustomRequest.objects.get(pk=rid)
    assert req.status == "expired" and req.payment_reference == ""


def test_nobody_else_sees_a_request(api_client, creator):
    fan = make_fan()
    rid = _submit(api_client, fan, creator).json()["id"]
    for intruder in (make_fan(), make_creator()):
        api_client.force_authenticate(intruder)
        assert api_client.get(f"/api/v1/requests/{rid}/").status_code == 404
        assert api_client.post(f"/api/v1/requests/{rid}/", {"action": "withdraw"}, format="json").status_code == 404
        assert api_client.get("/api/v1/requests/").json()["results"] == []
    api_client.force_authenticate(make_staff())  # a password-only staff token is a plain user
    assert api_client.get(f"/api/v1/requests/{rid}/").status_code == 404
    api_client.force_authenticate(verified(make_staff()))
    assert api_client.get(f"/api/v1/requests/{rid}/").status_code == 200
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/requests/{rid}/", {"action": "withdraw"}, format="json").json()["status"] \
        == "withdrawn"
