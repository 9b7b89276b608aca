import gzip
import json

import pytest
from django.db import transaction

from fansub.accounts.models import User
from telemetry import metrics
from telemetry.events import emit
from telemetry.models import DeadLetterEvent, OutboxEvent
from telemetry.pseudonyms import actor_pseudonym
from telemetry.publisher import publish_all
from telemetry.tasks import publish_outbox
from tests.factories import make_fan

pytestmark = pytest.mark.django_db


def test_emit_writes_a_valid_envelope_with_pseudonymous_actor():
    fan = make_fan()
    event = emit("account.logged_in", {"surface": "page"}, actor=fan)
    env = event.envelope
    assert env["actor_id"] == actor_pseudonym(fan) and len(env["actor_id"]) == 32
    assert str(fan.pk) != env["actor_id"] and fan.email not in json.dumps(env)
    assert env["actor_role"] == "fan" and env["schema_version"] == "1-0-0" and env["environment"] == "test"


def test_event_is_rolled_back_with_its_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        emit("account.logged_in", {"surface": "page"})
        raise RuntimeError("business failure")
    assert OutboxEvent.objects.count() == 0


@pytest.mark.allow_dead_letters
def test_invalid_payload_goes_to_dead_letter_and_is_counted():
    assert emit("account.logged_in", {"surface": "carrier-pigeon"}) is None
    assert OutboxEvent.objects.count() == 0
    dead = DeadLetterEvent.objects.get()
    assert dead.error_code == "EVENT_SCHEMA_INVALID"
    assert metrics.value("EVENT_SCHEMA_INVALID") == 1


@pytest.mark.allow_dead_letters
def test_unknown_event_type_is_dead_lettered():
    assert emit("nothing.known", {}) is None
    assert DeadLetterEvent.objects.get().error_code == "EVENT_SCHEMA_INVALID"


@pytest.mark.allow_dead_letters
def test_pii_in_payload_is_refused_and_not_kept():
    # http.request's route is free text: an email smuggled into it must be caught by the PII scan.
    payload = {"route": "x@example.com", "method": "GET", "status": 200, "latency_ms": 1, "surface": "page"}
    assert emit("http.request", payload) is None
    dead = DeadLetterEvent.objects.get()
    assert "personal data" in dead.error
    assert "x@example.com" not in json.dumps(dead.envelope)


def test_publisher_writes_hive_partitions_and_marks_published(settings):
    for _ in range(3):
        emit("account.logged_in", {"surface": "api"})
    emit("account.signed_up", {"role": "fan", "country": None})
    assert publish_outbox() == 4
    assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 0
    files = sorted(settings.TELEMETRY_LAKE_DIR.rglob("*.jsonl.gz"))
    assert len(files) == 2
    rel = files[0].relative_to(settings.TELEMETRY_LAKE_DIR).parts
    assert rel[0].startswith("event_type=") and rel[1].startswith("dt=") and rel[2].startswith("hour=")
    lines = [json.loads(line) for f in files for line in gzip.decompress(f.read_bytes()).splitlines()]
    assert len(lines) == 4 and {line["event_type"] for line in lines} == {"account.logged_in", "account.signed_up"}
    assert publish_all() == 0  # nothing is published twice


def test_failed_sink_write_keeps_events_for_retry():
    emit("account.logged_in", {"surface": "api"})

    class BrokenSink:
        def write_batch(self, partition, envelopes):
            raise OSError("disk full")

    assert publish_all(sink=BrokenSink()) == 0
    row = OutboxEvent.objects.get()
    assert row.published_at is None and row.attempts == 1 and "disk full" in row.last_error
    assert metrics.value("EVENT_PUT_FAILED") == 1
    assert publish_all() == 1


def test_request_middleware_emits_sampled_request_events(client, settings):
    settings.TELEMETRY_REQUEST_SAMPLE_RATE = 1.0
    client.get("/")
    event = OutboxEvent.objects.get(event_type="http.request")
    assert event.envelope["payload"]["route"] == "home"
    assert event.envelope["actor_role"] == "anonymous"
    settings.TELEMETRY_REQUEST_SAMPLE_RATE = 0.0
    client.get("/")
    assert OutboxEvent.objects.filter(event_type="http.request").count() == 1
    assert User.objects.count() == 0


def test_a_partition_the_sink_keeps_refusing_does_not_block_the_others(settings):
    settings.TELEMETRY_PUBLISH_BATCH_SIZE = 2
    for _ in range(3):
        emit("account.logged_in", {"surface": "api"})  # the oldest rows: refused by the sink every time
    emit("account.signed_up", {"role": "fan", "country": None})
    emit("account.signed_up", {"role": "fan", "country": None})

    class PickySink:
        def __init__(self):
            self.written = []

        def write_batch(self, partition, envelopes):
            if "account.logged_in" in partition:
                raise OSError("refused")
            self.written.extend(envelopes)
            return "memory://"

    sink = PickySink()
    for _ in range(4):  # four beat runs
        publish_all(sink=sink)

    assert len(sink.written) == 2
    assert set(OutboxEvent.objects.filter(published_at__isnull=True).values_list("event_type", flat=True)) == {
        "account.logged_in"}
