"""Money and integer inputs are checked before any service runs: an unsupported currency or a number too
large for its column is a 400 VALIDATION_ERROR, never a 500 (OverflowError, UnsupportedCurrency)."""

import copy

import pytest
from rest_framework import serializers

from payments.api.fields import MoneyField
from payments.money import Money
from tests.factories import make_creator, make_fan, make_tier

HUGE = 2**70
MONEY = {"amount_minor": 500, "currency": "USD"}
LATER = "2030-01-01T00:00:00Z"
SOON = "2029-01-01T00:00:00Z"

# (name, role, method, url, valid-looking body, where the money goes, where an integer goes)
CASES = [
    ("tip", "fan", "post", "/api/v1/tips/",
     {"creator": "someone", "amount": MONEY, "payment_method": "pm_card_visa"}, ("amount",), ("post_id",)),
    ("tier", "creator", "post", "/api/v1/me/tiers/",
     {"name": "Gold", "price": MONEY}, ("price",), ("member_cap",)),
    ("post", "creator", "post", "/api/v1/posts/",
     {"text": "hi", "audience": {"public": True, "ppv_price": None, "tier_ids": []}},
     ("audience", "ppv_price"), ("audience", "tier_ids", 0)),
    ("request", "fan", "post", "/api/v1/requests/",
     {"creator": "someone", "kind": "video", "description": "A song", "price": MONEY, "payment_method": "pm"},
     ("price",), None),
    ("request action", "fan", "post", "/api/v1/requests/1/", {"action": "counter", "price": MONEY},
     ("price",), None),
    ("request settings", "creator", "put", "/api/v1/me/request-settings/",
     {"enabled": False, "min_prices": {"video": 1000}, "turnaround_days": 7, "slots": 3},
     None, ("turnaround_days",)),
    ("promotion", "creator", "post", "/api/v1/me/promotions/",
     {"tier_id": 1, "kind": "fixed_price", "fixed_price": MONEY, "max_claims": 10, "starts_at": SOON,
      "ends_at": LATER}, ("fixed_price",), ("max_claims",)),
    ("trial link", "creator", "post", "/api/v1/me/trial-links/",
     {"tier_id": 1, "days": 7, "max_claims": 10, "expires_at": LATER}, None, ("max_claims",)),
    ("mass message", "creator", "post", "/api/v1/me/mass-messages/",
     {"text": "hello", "segment": "all", "tier_ids": [], "price": MONEY}, ("price",), ("tier_ids", 0)),
    ("paid message", "creator", "post", "/api/v1/threads/1/paid-messages/",
     {"text": "hello", "price": MONEY}, ("price",), None),
    ("subscribe", "fan", "post", "/api/v1/subscriptions/", {"tier_id": 1}, None, ("tier_id",)),
    ("change tier", "fan", "post", "/api/v1/subscriptions/1/change-tier/", {"tier_id": 1}, None, ("tier_id",)),
]


def _put(body: dict, where: tuple, value: object) -> dict:
    body = copy.deepcopy(body)
    target = body
    for key in where[:-1]:
        target = target[key]
    if isinstance(target, list) or isinstance(where[-1], int):
        target.append(value)
    else:
        target[where[-1]] = value
    return body


def _bad_bodies(body, money_at, int_at):
    if money_at:
        yield "unknown currency", _put(body, money_at, {"amount_minor": 500, "currency": "XYZ"})
        yield "huge amount", _put(body, money_at, {"amount_minor": HUGE, "currency": "USD"})
        yield "negative amount", _put(body, money_at, {"amount_minor": -1, "currency": "USD"})
        yield "amount as bool", _put(body, money_at, {"amount_minor": True, "currency": "USD"})
        yield "money not an object", _put(body, money_at, "5 USD")
    if int_at:
        if isinstance(int_at[-1], int):
            yield "huge id in a list", _put(body, int_at[:-1], HUGE)
        else:
            yield "huge integer", _put(body, int_at, HUGE)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "method", "url", "body", "money_at", "int_at"), CASES,
                         ids=[c[0] for c in CASES])
def test_money_and_integer_inputs_are_validated_first(api_client, name, role, method, url, body, money_at,
                                                      int_at):
    user = make_creator(verified=True) if role == "creator" else make_fan(country="US", region="US-TX")
    if role == "creator":
        make_tier(user)
    api_client.force_authenticate(user)
    for label, bad in _bad_bodies(body, money_at, int_at):
        response = getattr(api_client, method)(url, bad, format="json", HTTP_IDEMPOTENCY_KEY=f"{name}-{label}")
        assert response.status_code == 400, (label, response.status_code, response.content[:300])
        assert response.json()["error"]["code"] == "VALIDATION_ERROR", (label, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    f"/api/v1/threads/1/messages/?before={HUGE}",
    f"/api/v1/me/mass-messages/?tier_ids={HUGE}",
])
def test_huge_integers_in_query_strings_are_400(api_client, url):
    api_client.force_authenticate(make_creator())
    response = api_client.get(url)
    assert response.status_code == 400 and response.json()["error"]["code"] == "VALIDATION_ERROR"


class _Body(serializers.Serializer):
    price = MoneyField()


@pytest.mark.parametrize(("given", "expected"), [
    ({"amount_minor": 500, "currency": "USD"}, Money(500, "USD")),
    ({"amount_minor": "500", "currency": "usd"}, Money(500, "USD")),
    ({"amount_minor": 0, "currency": "JPY"}, Money(0, "JPY")),
    ({"amount_minor": 2**31 - 1, "currency": "EUR"}, Money(2**31 - 1, "EUR")),
])
def test_money_field_yields_money(given, expected):
    body = _Body(data={"price": given})
    assert body.is_valid(), body.errors
    assert body.validated_data["price"] == expected


@pytest.mark.parametrize(("given", "field"), [
    ({"amount_minor": 500, "currency": "XYZ"}, "currency"),
    ({"amount_minor": 500, "currency": 840}, "currency"),
    ({"amount_minor": 500}, "currency"),
    ({"currency": "USD"}, "amount_minor"),
    ({"amount_minor": 2**31, "currency": "USD"}, "amount_minor"),
    ({"amount_minor": HUGE, "currency": "USD"}, "amount_minor"),
    ({"amount_minor": 4.99, "currency": "USD"}, "amount_minor"),
    ({"amount_minor": "4.99", "currency": "USD"}, "amount_minor"),
    ({"amount_minor": False, "currency": "USD"}, "amount_minor"),
])
def test_money_field_names_the_bad_part(given, field):
    body = _Body(data={"price": given})
    assert not body.is_valid()
    assert field in body.errors["price"], body.errors
