"""Growth: sign-ups per day by role and country, and activation within the window (a fan's first purchase, a
creator's first published post), from events as they land in the lake."""

import gzip
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from warehouse import selectors
from warehouse.services import build

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def landed(settings, event_type: str, payload: dict, *, actor: str | None, role: str, at) -> None:
    folder = settings.TELEMETRY_LAKE_DIR / f"event_type={event_type}" / f"dt={at:%Y-%m-%d}" / f"hour={at:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": "1-0-0",
                "occurred_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "actor_id": actor, "actor_role": role,
                "environment": "test", "source_component": "test", "payload": payload}
    (folder / f"part-{uuid.uuid4().hex}.jsonl.gz").write_bytes(gzip.compress((json.dumps(envelope) + "\n").encode()))


def purchase(settings, fan: str, at) -> None:
    landed(settings, "payment.charge_succeeded", {
        "payment_id": uuid.uuid4().hex, "fan_id": fan, "creator_id": "c" * 32, "purpose": "tip", "amount_minor": 500,
        "currency": "EUR", "tax_minor": 0, "platform_fee_minor": 100, "provider": "simulator", "tax_country": "DE",
        "escrow": False}, actor=fan, role="fan", at=at)


def test_signups_by_day_role_and_country_with_activation_inside_the_window_only(settings):
    day = (timezone.now() - timedelta(days=20)).replace(hour=12, minute=0, second=0, microsecond=0)
    fans = {name: name * 32 for name in "abcd"}
    for name in "abc":
        landed(settings, "account.signed_up", {"role": "fan", "country": "DE"}, actor=fans[name], role="fan", at=day)
    landed(settings, "account.signed_up", {"role": "fan", "country": None}, actor=fans["d"], role="fan",
           at=day + timedelta(days=1))
    creator = "e" * 32
    landed(settings, "account.signed_up", {"role": "creator", "country": "US"}, actor=creator, role="creator", at=day)
    purchase(settings, fans["a"], day + timedelta(days=2))  # activated
    purchase(settings, fans["a"], day + timedelta(days=3))  # a second purchase counts the person once
    purchase(settings, fans["b"], day + timedelta(days=8))  # outside the 7-day window
    purchase(settings, fans["d"], day - timedelta(hours=1))  # before signing up (impossible in the product)
    landed(settings, "post.published", {"post_id": 1, "creator_id": creator, "is_adult": False, "audience": [],
                                        "has_ppv": False}, actor=creator, role="creator", at=day + timedelta(days=1))

    result = build.build()
    assert result.ok, result.tests_failed
    assert result.tests_passed >= 10
    rows = {(row["dt"].isoformat(), row["role"], row["country"]): (row["signups"], row["activated"],
                                                                  float(row["activation_rate"]))
            for row in selectors.rows("gold.gold_growth_signups")}
    first, second = day.date().isoformat(), (day + timedelta(days=1)).date().isoformat()
    assert rows == {
        (first, "fan", "DE"): (3, 1, round(1 / 3, 4)),
        (first, "creator", "US"): (1, 1, 1.0),
        (second, "fan", "unknown"): (1, 0, 0.0),
    }
    silver = selectors.rows("silver.fct_signups")
    assert {row["person_id"] for row in silver} == {*fans.values(), creator}
    assert set(silver[0]) == {"event_id", "occurred_at", "dt", "person_id", "role", "country"}  # nothing else


def test_an_erased_person_leaves_the_growth_facts(settings):
    at = timezone.now() - timedelta(hours=2)
    landed(settings, "account.signed_up", {"role": "fan", "country": "GB"}, actor="f" * 32, role="fan", at=at)
    landed(settings, "account.signed_up", {"role": "fan", "country": "GB"}, actor="9" * 32, role="fan", at=at)
    landed(settings, "privacy.subject_erased", {"subject_id": "f" * 32}, actor=None, role="system", at=at)
    result = build.build()
    assert result.ok, result.tests_failed
    assert [row["person_id"] for row in selectors.rows("silver.fct_signups")] == ["9" * 32]
    assert [(row["country"], row["signups"]) for row in selectors.rows("gold.gold_growth_signups")] == [("GB", 1)]
