"""The warehouse build: privacy (tombstones), quality and model failures counted, backfills idempotent,
no personal data in any model, an empty lake builds clean."""

import gzip
import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance import registry
from governance.services import erasure
from telemetry import metrics
from telemetry.events import emit
from telemetry.pseudonyms import actor_pseudonym
from tests.factories import make_creator, make_fan
from warehouse import selectors
from warehouse.services import build

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def charge(fan, creator, *, payment_id: str, amount: int = 1000, purpose: str = "tip") -> None:
    emit("payment.charge_succeeded", {
        "payment_id": payment_id, "fan_id": actor_pseudonym(fan), "creator_id": actor_pseudonym(creator),
        "purpose": purpose, "amount_minor": amount, "currency": "EUR", "tax_minor": 0,
        "platform_fee_minor": amount // 5, "provider": "simulator", "tax_country": "DE", "escrow": False}, actor=fan)


def raw_event(settings, event_type: str, payload: dict, *, event_id: str | None = None, days_ago: int = 0) -> None:
    """An event written straight into the lake, as a broken producer or a replayed file would."""
    at = timezone.now() - timedelta(days=days_ago)
    folder = settings.TELEMETRY_LAKE_DIR / f"event_type={event_type}" / f"dt={at:%Y-%m-%d}" / f"hour={at:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    envelope = {"event_id": event_id or str(uuid.uuid4()), "event_type": event_type, "schema_version": "1-0-0",
                "occurred_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "actor_id": None, "actor_role": "system",
                "environment": "test", "source_component": "test", "payload": payload}
    (folder / f"part-{uuid.uuid4().hex}.jsonl.gz").write_bytes(gzip.compress((json.dumps(envelope) + "\n").encode()))


# Raw Bronze keeps what landed (readers use the exclusion view); the tombstone list holds the erased ids by design.
RAW = {"bronze.bronze_events", "silver.silver_tombstones"}
# Registered fields that identify a person or reach one (the registry also lists attributes such as status).
IDENTIFYING = registry.IDENTIFYING_FIELDS


def ids_in_every_model(*, raw: bool = False) -> str:
    """Every value of every built relation, as one text: what a person's id must be absent from."""
    return json.dumps({relation: selectors.rows(relation) for relation in selectors.columns_of_every_model()
                       if raw or relation not in RAW}, default=str)


def test_an_empty_lake_builds_clean():
    result = build.build()
    assert result.ok and len(result.models_built) >= 14
    assert selectors.rows("gold.gold_daily_revenue") == []


def test_a_tombstoned_person_leaves_silver_gold_and_the_bronze_exclusion_view(publish_and_build):
    creator, erased, kept = make_creator(), make_fan(), make_fan()
    charge(erased, creator, payment_id="a" * 32)
    charge(kept, creator, payment_id="b" * 32)
    emit("post.viewed", {"post_id": 1, "creator_id": actor_pseudonym(creator)}, actor=erased)
    assert publish_and_build().ok
    subject = actor_pseudonym(erased)
    assert subject in ids_in_every_model()
    assert subject in json.dumps(selectors.rows("bronze.bronze_events_visible"), default=str)
    erasure.erase_records(erased)  # the DSAR erasure: tombstone event, pseudonym salt destroyed
    assert actor_pseudonym(erased) != subject  # new events could no longer be linked to the old ones
    result = publish_and_build()  # an incremental run over what was built before
    assert result.ok, result
    assert subject not in ids_in_every_model()
    assert selectors.rows("bronze.bronze_events_visible")  # the other fan's events are still there
    assert [row["payment_id"] for row in selectors.rows("silver.fct_purchases")] == ["b" * 32]
    assert selectors.rows("gold.gold_daily_revenue")[0]["gross_minor"] == 1000


def test_a_failed_quality_test_counts_QUALITY_CHECK_FAILED(settings, publish_and_build):
    creator, fan = make_creator(), make_fan()
    charge(fan, creator, payment_id="1" * 32)
    duplicate = str(uuid.uuid4())
    raw_event(settings, "post.viewed", {"post_id": 5, "creator_id": "c" * 32}, event_id=duplicate)
    raw_event(settings, "post.viewed", {"post_id": 5, "creator_id": "c" * 32}, event_id=duplicate)
    result = publish_and_build()
    assert not result.ok and any("unique_bronze_events_event_id" in name for name in result.tests_failed)
    assert metrics.value("QUALITY_CHECK_FAILED") >= 1
    assert metrics.value("CTAS_FAILURE") == 0


def test_a_failed_model_counts_CTAS_FAILURE(settings):
    raw_event(settings, "payment.charge_succeeded", {
        "payment_id": "p", "fan_id": "f" * 32, "creator_id": "c" * 32, "purpose": "tip", "amount_minor": "lots",
        "currency": "EUR", "tax_minor": 0, "platform_fee_minor": 0, "provider": "simulator", "tax_country": None,
        "escrow": False})
    result = build.build()
    assert "model.fansub_warehouse.fct_purchases" in result.models_failed and not result.ok
    assert metrics.value("CTAS_FAILURE") >= 1


def test_a_backfill_replaces_its_partitions_and_leaves_the_rest(settings, publish_and_build):
    creator, fan = make_creator(), make_fan()
    charge(fan, creator, payment_id="2" * 32)
    raw_event(settings, "payout.failed", {"payout_id": "po_old", "creator_id": "c" * 32, "amount_minor": 800,
                                          "currency": "EUR", "attempt": 1, "failure_code": "account_closed"},
              days_ago=3)
    assert publish_and_build().ok
    first = selectors.rows("silver.fct_payouts") + selectors.rows("silver.fct_purchases")
    today = timezone.now().date()
    old_day = today - timedelta(days=3)
    for _ in range(2):  # the same window twice: nothing doubles
        call_command("warehouse_build", "--start", old_day.isoformat(), "--end", old_day.isoformat())
    assert selectors.rows("silver.fct_payouts") + selectors.rows("silver.fct_purchases") == first
    assert selectors.rows("gold.gold_payout_backlog")[0]["failed_payouts"] == 1


def test_the_backfill_command_refuses_half_a_range():
    with pytest.raises(CommandError, match="both"):
        call_command("warehouse_build", "--start", "2026-11-01")
    with pytest.raises(CommandError, match="start must not be after end"):
        call_command("warehouse_build", "--start", "2026-11-02", "--end", "2026-11-01")


def test_no_model_column_holds_personal_data(publish_and_build):
    creator, fan = make_creator(), make_fan()
    charge(fan, creator, payment_id="1" * 32)
    assert publish_and_build().ok
    registered = {name for entry in registry.entries() for name in entry.fields}
    personal = {name for name in registered if registry.PERSONAL_FIELD_PATTERN.search(name)} | IDENTIFYING
    assert {"email", "handle", "display_name", "legal_name"} <= personal
    for relation, columns in selectors.columns_of_every_model().items():
        leaked = {column for column in columns
                  if column in personal or registry.PERSONAL_FIELD_PATTERN.search(column)}
        assert not leaked, f"{relation} has personal-data columns {leaked}"
    text = ids_in_every_model(raw=True)
    for value in (fan.email, fan.handle, creator.email, creator.handle):
        assert value not in text
