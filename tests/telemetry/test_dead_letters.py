"""Replaying dead letters: re-validated, repaired ones moved to the outbox, the rest left with a reason."""

import gzip
import io
import json
import shutil

import pytest
from django.core.management import call_command

from governance.models import AuditLog
from telemetry import schema_registry
from telemetry.dead_letters import replay_dead_letters
from telemetry.events import emit, validate_envelope
from telemetry.models import DeadLetterEvent, OutboxEvent
from telemetry.publisher import publish_all
from tests.factories import make_fan

pytestmark = [pytest.mark.django_db, pytest.mark.allow_dead_letters]


def _clear_schema_caches():
    for cached in (schema_registry.catalogue, schema_registry.load_schema, schema_registry.validator):
        cached.cache_clear()


@pytest.fixture
def schemas(tmp_path, monkeypatch):
    """A copy of the schema folder that a test may add to, as a deploy that ships a new schema would."""
    folder = tmp_path / "schemas"
    shutil.copytree(schema_registry.SCHEMA_DIR, folder)
    monkeypatch.setattr(schema_registry, "SCHEMA_DIR", folder)
    _clear_schema_caches()

    def ship(event_type, version, schema):
        (folder / event_type).mkdir(exist_ok=True)
        (folder / event_type / f"{version}.json").write_text(json.dumps(schema))
        _clear_schema_caches()

    yield ship
    _clear_schema_caches()


SURFACE_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["surface"],
                  "properties": {"surface": {"enum": ["page", "api", "admin"]}}}


def test_unknown_type_is_dead_lettered_with_a_complete_envelope_and_replays_once_its_schema_ships(schemas):
    fan = make_fan()
    assert emit("creator.followed", {"surface": "page"}, actor=fan) is None
    dead = DeadLetterEvent.objects.get()
    assert dead.envelope["actor_id"] and dead.envelope["event_id"] and dead.envelope["schema_version"] == ""

    still = replay_dead_letters()
    assert not still.moved and dead.pk in still.still_invalid and DeadLetterEvent.objects.count() == 1

    schemas("creator.followed", "1-0-0", SURFACE_SCHEMA)
    result = replay_dead_letters()

    assert result.replayed == [dead.pk] and not DeadLetterEvent.objects.exists()
    event = OutboxEvent.objects.get()
    assert str(event.event_id) == dead.envelope["event_id"] and event.schema_version == "1-0-0"
    assert event.envelope["occurred_at"] == dead.envelope["occurred_at"]  # lands in its own hour, late
    assert validate_envelope(event.envelope) is None
    assert AuditLog.objects.get(action="telemetry.dead_letters_replayed").details["replayed"] == 1


def test_event_for_an_unshipped_version_replays_after_the_deploy(schemas, settings):
    assert emit("account.logged_in", {"surface": "admin"}, version="1-1-0") is None
    schemas("account.logged_in", "1-1-0", SURFACE_SCHEMA)

    call_command("telemetry_replay_dead_letters", stdout=io.StringIO())
    assert publish_all() == 1

    [part] = settings.TELEMETRY_LAKE_DIR.rglob("*.jsonl.gz")
    [line] = gzip.decompress(part.read_bytes()).splitlines()
    assert json.loads(line)["schema_version"] == "1-1-0"


def test_still_invalid_events_stay_with_their_reason():
    emit("account.logged_in", {"surface": "carrier-pigeon"})
    out = io.StringIO()

    call_command("telemetry_replay_dead_letters", stdout=out)

    assert DeadLetterEvent.objects.count() == 1 and not OutboxEvent.objects.exists()
    assert "moved 0" in out.getvalue() and "1 still invalid" in out.getvalue()
    assert "EVENT_SCHEMA_INVALID" in out.getvalue()
    assert not AuditLog.objects.filter(action="telemetry.dead_letters_replayed").exists()


def test_events_refused_for_personal_data_are_never_replayed(schemas):
    payload = {"route": "someone@example.com", "method": "GET", "status": 200, "latency_ms": 1, "surface": "page"}
    emit("http.request", payload)
    dead = DeadLetterEvent.objects.get()

    result = replay_dead_letters()

    assert result.unrepairable == [dead.pk] and not result.moved
    assert DeadLetterEvent.objects.get().error == dead.error and not OutboxEvent.objects.exists()


def test_replay_never_duplicates_an_event_already_in_the_outbox(schemas):
    emit("creator.followed", {"surface": "page"})
    dead = DeadLetterEvent.objects.get()
    schemas("creator.followed", "1-0-0", SURFACE_SCHEMA)
    envelope = {**dead.envelope, "schema_version": "1-0-0"}
    OutboxEvent.objects.create(event_id=envelope["event_id"], event_type="creator.followed",
                               schema_version="1-0-0", envelope=envelope)

    result = replay_dead_letters()

    assert result.already_published == [dead.pk] and result.replayed == []
    assert OutboxEvent.objects.count() == 1 and not DeadLetterEvent.objects.exists()


def test_dry_run_and_filters_change_nothing_they_should_not(schemas):
    emit("creator.followed", {"surface": "page"})
    emit("creator.unfollowed", {"surface": "page"})
    schemas("creator.followed", "1-0-0", SURFACE_SCHEMA)
    schemas("creator.unfollowed", "1-0-0", SURFACE_SCHEMA)
    out = io.StringIO()

    call_command("telemetry_replay_dead_letters", "--dry-run", stdout=out)
    assert "would move 2" in out.getvalue()
    assert DeadLetterEvent.objects.count() == 2 and not OutboxEvent.objects.exists()

    call_command("telemetry_replay_dead_letters", "--event-type", "creator.unfollowed", stdout=io.StringIO())
    assert list(OutboxEvent.objects.values_list("event_type", flat=True)) == ["creator.unfollowed"]
    assert list(DeadLetterEvent.objects.values_list("event_type", flat=True)) == ["creator.followed"]

    other = DeadLetterEvent.objects.get()
    call_command("telemetry_replay_dead_letters", "--id", str(other.pk), "--limit", "1", stdout=io.StringIO())
    assert not DeadLetterEvent.objects.exists() and OutboxEvent.objects.count() == 2
