"""The EventBridge sink through boto3 against the local moto server: bus → rule → queue, and refusals."""

import json
import uuid
from datetime import UTC, datetime

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured

from telemetry import metrics
from telemetry.events import emit, validate_envelope
from telemetry.models import MetricCounter, OutboxEvent
from telemetry.publisher import publish_all
from telemetry.sinks import get_sink
from telemetry.sinks.eventbridge import EventBridgeSink
from telemetry.tasks import publish_outbox
from tests.factories import make_fan

pytestmark = pytest.mark.django_db


@pytest.fixture
def bus_to_queue(aws_endpoint):
    """A bus with a rule that sends every fansub.telemetry event to an SQS queue we can read."""
    events = boto3.client("events", endpoint_url=aws_endpoint)
    sqs = boto3.client("sqs", endpoint_url=aws_endpoint)
    name = f"fansub-{uuid.uuid4().hex[:8]}"
    events.create_event_bus(Name=name)
    queue_url = sqs.create_queue(QueueName=f"{name}-q")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=f"{name}-all", EventBusName=name, EventPattern=json.dumps({"source": ["fansub.telemetry"]}))
    events.put_targets(Rule=f"{name}-all", EventBusName=name, Targets=[{"Id": "q", "Arn": queue_arn}])
    return name, sqs, queue_url


def _received(sqs, queue_url, expected):
    bodies = []
    for _ in range(20):
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        bodies.extend(json.loads(m["Body"]) for m in answer.get("Messages", []))
        if len(bodies) >= expected:
            break
    return bodies


def _use_eventbridge(settings, endpoint, bus):
    settings.TELEMETRY_SINK = "eventbridge"
    settings.TELEMETRY_EVENTBRIDGE_BUS = bus
    settings.TELEMETRY_AWS_ENDPOINT_URL = endpoint


def test_every_envelope_reaches_the_bus_as_one_event(settings, aws_endpoint, bus_to_queue):
    bus, sqs, queue_url = bus_to_queue
    _use_eventbridge(settings, aws_endpoint, bus)
    fan = make_fan()
    emitted = {str(emit("account.logged_in", {"surface": "page"}, actor=fan).event_id) for _ in range(12)}
    emitted.add(str(emit("account.signed_up", {"role": "fan", "country": "GB"}, actor=fan).event_id))

    assert publish_outbox() == 13

    events = _received(sqs, queue_url, 13)
    assert len(events) == 13
    assert {e["source"] for e in events} == {"fansub.telemetry"}
    assert all(e["detail-type"] == e["detail"]["event_type"] for e in events)
    assert all(validate_envelope(e["detail"]) is None for e in events)
    assert {e["detail"]["event_id"] for e in events} == emitted
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_a_missing_bus_counts_event_put_failed_and_keeps_the_rows(settings, aws_endpoint):
    _use_eventbridge(settings, aws_endpoint, f"missing-{uuid.uuid4().hex[:8]}")
    emit("account.logged_in", {"surface": "api"})
    assert publish_all() == 0
    assert metrics.value("EVENT_PUT_FAILED") == 1
    assert OutboxEvent.objects.get().published_at is None


class ScriptedEvents:
    """Answers PutEvents from a script (moto never fails partially), recording what was sent."""

    def __init__(self, failures):
        self.failures = list(failures)
        self.calls = []

    def put_events(self, Entries):
        self.calls.append(Entries)
        refused = set(self.failures.pop(0)) if self.failures else set()
        answers = [{"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"} if i in refused
                   else {"EventId": str(i)} for i in range(len(Entries))]
        return {"FailedEntryCount": len(refused), "Entries": answers}


def _envelopes(n):
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return [{"event_id": str(uuid.uuid4()), "event_type": "account.logged_in", "occurred_at": now, "n": i}
            for i in range(n)]


def test_partial_failure_resends_only_the_refused_entries_and_counts_them():
    client = ScriptedEvents(failures=[[2, 7], []])
    EventBridgeSink("bus", client=client, retry_delay=0).write_batch("p", _envelopes(10))
    assert [len(c) for c in client.calls] == [10, 2]
    assert [json.loads(e["Detail"])["n"] for e in client.calls[1]] == [2, 7]
    counter = MetricCounter.objects.get(name="EVENT_PUT_FAILED")
    assert counter.value == 2 and "component=telemetry.sink.eventbridge" in counter.labels
    assert "severity=warning" in counter.labels


def test_entries_still_refused_after_the_retries_fail_the_batch():
    client = ScriptedEvents(failures=[[0]] * 10)
    with pytest.raises(RuntimeError, match="refused 1 entries"):
        EventBridgeSink("bus", client=client, retry_delay=0).write_batch("p", _envelopes(3))
    assert len(client.calls) == 4
    assert metrics.value("EVENT_PUT_FAILED") == 4


def test_batches_of_ten():
    client = ScriptedEvents(failures=[])
    EventBridgeSink("bus", client=client).write_batch("p", _envelopes(25))
    assert [len(c) for c in client.calls] == [10, 10, 5]
    entry = client.calls[0][0]
    assert entry["EventBusName"] == "bus" and entry["Source"] == "fansub.telemetry"
    assert entry["DetailType"] == "account.logged_in" and entry["Time"].tzinfo is not None


def test_an_entry_over_256_kib_is_refused_before_any_call():
    client = ScriptedEvents(failures=[])
    big = _envelopes(1)[0] | {"blob": "x" * (256 * 1024)}
    with pytest.raises(ValueError, match="256 KiB"):
        EventBridgeSink("bus", client=client).write_batch("p", [big])
    assert client.calls == []


def test_large_entries_split_the_call_under_256_kib():
    client = ScriptedEvents(failures=[])
    envelopes = [e | {"blob": "x" * (100 * 1024)} for e in _envelopes(5)]
    EventBridgeSink("bus", client=client).write_batch("p", envelopes)
    assert [len(c) for c in client.calls] == [2, 2, 1]


def test_eventbridge_settings_are_checked(settings, aws_endpoint):
    settings.TELEMETRY_SINK = "eventbridge"
    settings.TELEMETRY_EVENTBRIDGE_BUS = ""
    with pytest.raises(ImproperlyConfigured, match="TELEMETRY_EVENTBRIDGE_BUS"):
        get_sink()
    settings.TELEMETRY_EVENTBRIDGE_BUS = "fansub"
    settings.TELEMETRY_EVENTBRIDGE_SOURCE = ""
    with pytest.raises(ImproperlyConfigured, match="TELEMETRY_EVENTBRIDGE_SOURCE"):
        get_sink()
    settings.TELEMETRY_EVENTBRIDGE_SOURCE = "fansub.telemetry"
    settings.TELEMETRY_AWS_ENDPOINT_URL = aws_endpoint
    sink = get_sink()
    assert isinstance(sink, EventBridgeSink) and sink.bus == "fansub" and sink.source == "fansub.telemetry"
