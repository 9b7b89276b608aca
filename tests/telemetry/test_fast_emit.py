"""emit()'s fast path: rows of one transaction written together, with the outbox's guarantees intact."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from telemetry import outbox
from telemetry.events import EmittedEvent, emit, validate_envelope
from telemetry.models import DeadLetterEvent, OutboxEvent
from telemetry.pii import find_pii, has_pii
from tests.factories import make_fan

pytestmark = pytest.mark.django_db


def _inserts(captured):
    return [q["sql"] for q in captured.captured_queries if "INSERT INTO" in q["sql"]
            and "telemetry_outboxevent" in q["sql"]]


def test_rows_read_back_through_the_orm_exactly_as_emitted():
    fan = make_fan()
    event = emit("tip.sent", {"tip_id": 3, "creator_id": "a" * 32, "amount_minor": 500, "currency": "USD",
                              "target": "post", "anonymous": False}, actor=fan)
    assert isinstance(event, EmittedEvent)
    row = OutboxEvent.objects.get()
    assert row.event_id == event.event_id and str(row.event_id) == event.envelope["event_id"]
    assert row.envelope == event.envelope and row.event_type == "tip.sent" and row.schema_version == "1-0-0"
    assert row.published_at is None and row.attempts == 0 and row.last_error == ""
    assert row.created_at.tzinfo is not None and abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert validate_envelope(row.envelope) is None


def test_the_events_of_a_transaction_are_inserted_with_one_statement():
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        for _ in range(50):
            emit("account.logged_in", {"surface": "page"})
        assert _inserts(captured) == []  # nothing written yet: no other statement has run
    assert len(_inserts(captured)) == 1  # written by the commit (here: the test's savepoint release)
    assert OutboxEvent.objects.count() == 50


def test_a_query_in_the_same_transaction_sees_the_emitted_rows():
    with transaction.atomic():
        emit("account.logged_in", {"surface": "page"})
        emit("account.logged_in", {"surface": "api"})
        assert OutboxEvent.objects.count() == 2
        assert sorted(r.envelope["payload"]["surface"] for r in OutboxEvent.objects.all()) == ["api", "page"]


def test_a_rolled_back_savepoint_drops_only_its_own_events():
    with transaction.atomic():
        emit("account.logged_in", {"surface": "page"})
        with pytest.raises(RuntimeError), transaction.atomic():
            emit("account.logged_in", {"surface": "api"})
            emit("account.logged_in", {"surface": "api"})
            raise RuntimeError("business failure in a nested step")
        emit("account.logged_in", {"surface": "admin"})
    assert sorted(OutboxEvent.objects.values_list("envelope__payload__surface", flat=True)) == ["admin", "page"]


def test_a_rolled_back_transaction_leaves_no_event_even_when_buffered_past_a_statement():
    with pytest.raises(RuntimeError), transaction.atomic():
        emit("account.logged_in", {"surface": "page"})
        make_fan()  # the row is written before this statement...
        emit("account.logged_in", {"surface": "api"})  # ...this one is still buffered
        raise RuntimeError
    assert OutboxEvent.objects.count() == 0


def test_the_buffer_is_bounded(monkeypatch):
    monkeypatch.setattr(outbox, "MAX_BUFFERED", 10)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        for _ in range(25):
            emit("account.logged_in", {"surface": "page"})
        assert len(_inserts(captured)) == 2 and len(outbox.buffer_for().rows) == 5
    assert OutboxEvent.objects.count() == 25


def test_an_execute_wrapper_block_does_not_remove_the_outbox_hook():
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    outbox.buffer_for()
    with transaction.atomic():
        with connection.execute_wrapper(spy):
            emit("account.logged_in", {"surface": "page"})
            assert OutboxEvent.objects.count() == 1
        emit("account.logged_in", {"surface": "api"})
        assert OutboxEvent.objects.count() == 2  # still flushed before the statement
    assert any("telemetry_outboxevent" in sql for sql in seen)


@pytest.mark.allow_dead_letters
def test_an_invalid_event_among_valid_ones_is_dead_lettered_alone():
    with transaction.atomic():
        emit("account.logged_in", {"surface": "page"})
        assert emit("account.logged_in", {"surface": "pigeon"}) is None
        emit("account.logged_in", {"surface": "api"})
    assert OutboxEvent.objects.count() == 2
    assert DeadLetterEvent.objects.get().error_code == "EVENT_SCHEMA_INVALID"


def test_occurred_at_in_another_zone_is_stored_in_utc():
    moment = datetime(2026, 11, 28, 3, 15, tzinfo=timezone(timedelta(hours=2)))
    event = emit("account.logged_in", {"surface": "page"}, occurred_at=moment)
    assert event.envelope["occurred_at"] == "2026-11-28T01:15:00Z"


@pytest.mark.allow_dead_letters
def test_a_naive_occurred_at_is_refused_as_an_envelope_error():
    assert emit("account.logged_in", {"surface": "page"}, occurred_at=datetime(2026, 11, 28, 3, 15)) is None
    assert DeadLetterEvent.objects.get().error_code == "EVENT_ENVELOPE_INVALID"


@pytest.mark.parametrize(("payload", "found"), [
    ({"surface": "page"}, []),
    ({"route": "a@b.example"}, ["route"]),
    ({"fan_email": "x"}, ["fan_email"]),
    ({"nested": {"ip": "10.0.0.1"}}, ["nested.ip", "nested.ip"]),
    ({"items": [{"ok": 1}, {"v": "fe80:0:0:0:0:0:0:1"}]}, ["items[1].v"]),
    ({"version": "1.2.3", "ratio": "3:2:1", "comment_id": 4, "message_count": 2}, []),
    ({"host": "1.2.3.4"}, ["host"]),
])
def test_pii_scan_finds_the_same_paths_as_before(payload, found):
    assert find_pii(payload) == found
    assert has_pii(payload) is bool(found)
    assert has_pii(payload) is bool(found)  # again, with the key shape now cached


def test_a_cached_clean_shape_still_has_its_values_scanned():
    from collections import OrderedDict

    from django.utils.safestring import mark_safe

    assert not has_pii({"route": "home", "n": 1})
    assert has_pii({"route": "x@y.example", "n": 1})
    assert has_pii({"route": mark_safe("10.0.0.1.5"), "n": 1})  # a str subclass is still a string
    assert has_pii(OrderedDict(outer={"ip_address": "-"}))


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_row_is_written_at_once():
    event = emit("account.logged_in", {"surface": "page"})
    assert outbox.buffer_for().rows == []
    assert OutboxEvent.objects.filter(event_id=event.event_id).exists()


@pytest.mark.django_db(transaction=True)
def test_rows_buffered_in_a_transaction_are_committed_with_it():
    ids = []
    with transaction.atomic():
        ids = [emit("account.logged_in", {"surface": "page"}).event_id for _ in range(3)]
    assert outbox.buffer_for().rows == []
    assert set(OutboxEvent.objects.values_list("event_id", flat=True)) == set(ids)
    assert all(isinstance(i, uuid.UUID) for i in ids)


FIXTURES = sorted((p.parent.name, p.stem, p) for p in
                  (__import__("pathlib").Path(__file__).parents[1] / "contract" / "fixtures").glob("*/*.json"))


@pytest.mark.allow_dead_letters
@pytest.mark.parametrize(("event_type", "version", "path"), FIXTURES, ids=[f"{t}/{v}" for t, v, _ in FIXTURES])
def test_emit_accepts_and_refuses_exactly_what_validate_envelope_does(event_type, version, path):
    import json

    from telemetry.events import build_envelope

    fixture = json.loads(path.read_text())
    fan = make_fan()
    for _ in range(2):  # the second time takes the cached-header path
        event = emit(event_type, fixture, fan, version=version)
        assert event is not None and validate_envelope(event.envelope) is None
    for bad in ({**fixture, "unexpected": 1}, {**fixture, "fan_email": "x@example.com"}):
        expected = validate_envelope(build_envelope(event_type, bad, actor=fan, version=version))
        assert expected is not None
        for _ in range(2):
            before = DeadLetterEvent.objects.count()
            assert emit(event_type, bad, fan, version=version) is None
            assert DeadLetterEvent.objects.count() == before + 1
            assert DeadLetterEvent.objects.order_by("-id").first().error_code == expected[0]


@pytest.mark.allow_dead_letters
def test_a_bad_header_is_refused_every_time_not_only_the_first():
    emit("account.logged_in", {"surface": "page"}, source="web")  # this header is now known good
    for _ in range(2):
        assert emit("account.logged_in", {"surface": "page"}, source="x" * 60) is None
    assert list(DeadLetterEvent.objects.values_list("error_code", flat=True)) == ["EVENT_ENVELOPE_INVALID"] * 2


def test_a_database_error_in_a_nested_block_rolls_back_cleanly_with_events_buffered():
    """On PostgreSQL an IntegrityError aborts the transaction until ROLLBACK TO SAVEPOINT: the buffered rows
    must be dropped there, not written (which would fail with 'current transaction is aborted')."""
    from django.db import IntegrityError

    with transaction.atomic():
        first = emit("account.logged_in", {"surface": "page"})
        with pytest.raises(IntegrityError), transaction.atomic():
            emit("account.logged_in", {"surface": "api"})
            OutboxEvent.objects.create(event_id=first.event_id, event_type="x", schema_version="1-0-0",
                                       envelope={})  # duplicate event_id: the database refuses it
        emit("account.logged_in", {"surface": "admin"})
        assert sorted(OutboxEvent.objects.values_list("envelope__payload__surface", flat=True)) == ["admin", "page"]


def test_events_buffered_after_a_database_error_are_dropped_by_the_savepoint_rollback():
    from django.db import IntegrityError

    with transaction.atomic():
        first = emit("account.logged_in", {"surface": "page"})
        with pytest.raises(RuntimeError), transaction.atomic():
            try:
                with transaction.atomic():
                    OutboxEvent.objects.create(event_id=first.event_id, event_type="x", schema_version="1-0-0",
                                               envelope={})
            except IntegrityError:
                emit("account.logged_in", {"surface": "api"})  # buffered while nothing else can run
            raise RuntimeError("give up")
        assert outbox.buffer_for().rows == []
        assert list(OutboxEvent.objects.values_list("envelope__payload__surface", flat=True)) == ["page"]
