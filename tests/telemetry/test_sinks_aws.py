"""The S3 and Firehose lake sinks through boto3 against a local moto server (no network)."""

import gzip
import json
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from telemetry import metrics
from telemetry.events import emit, validate_envelope
from telemetry.models import OutboxEvent
from telemetry.publisher import publish_all
from telemetry.sinks import get_sink
from telemetry.sinks.firehose import FirehoseSink
from telemetry.sinks.s3 import S3LakeSink
from telemetry.tasks import publish_outbox
from tests.factories import make_fan

pytestmark = pytest.mark.django_db

KEY = re.compile(
    r"^bronze/events/event_type=(?P<type>[a-z0-9_.]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})/hour=(?P<hour>\d{2})/"
    r"part-[0-9a-f]{32}\.jsonl\.gz$"
)


def _emit_some():
    fan = make_fan()
    events = [emit("account.logged_in", {"surface": "page"}, actor=fan) for _ in range(3)]
    events.append(emit("account.signed_up", {"role": "fan", "country": "GB"}, actor=fan))
    return {str(e.event_id) for e in events}


def _all_keys(s3, bucket, prefix=""):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [obj["Key"] for page in pages for obj in page.get("Contents", [])]


def _use_s3(settings, endpoint, bucket):
    settings.TELEMETRY_SINK = "s3"
    settings.TELEMETRY_S3_BUCKET = bucket
    settings.TELEMETRY_S3_PREFIX = "bronze/events"
    settings.TELEMETRY_AWS_ENDPOINT_URL = endpoint


def _use_firehose(settings, endpoint, stream):
    settings.TELEMETRY_SINK = "firehose"
    settings.TELEMETRY_FIREHOSE_STREAM = stream
    settings.TELEMETRY_AWS_ENDPOINT_URL = endpoint


def test_s3_sink_lands_hive_partitioned_gzipped_envelopes(settings, aws_endpoint, s3, bucket):
    _use_s3(settings, aws_endpoint, bucket)
    emitted = _emit_some()

    assert publish_outbox() == 4

    keys = _all_keys(s3, bucket)
    assert len(keys) == 2  # one object per partition of the batch
    landed = {}
    for key in keys:
        match = KEY.match(key)
        assert match, key
        obj = s3.get_object(Bucket=bucket, Key=key)
        assert obj["ContentEncoding"] == "gzip"
        for line in gzip.decompress(obj["Body"].read()).decode().splitlines():
            envelope = json.loads(line)
            assert validate_envelope(envelope) is None
            # The partition in the key is the envelope's own type, day and hour.
            assert match["type"] == envelope["event_type"]
            assert match["dt"] == envelope["occurred_at"][:10] and match["hour"] == envelope["occurred_at"][11:13]
            landed[envelope["event_id"]] = envelope
    assert set(landed) == emitted
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    assert publish_all() == 0 and len(_all_keys(s3, bucket)) == 2  # nothing is written twice


def test_s3_put_failure_keeps_the_rows_and_counts_event_put_failed(settings, aws_endpoint, s3):
    missing = f"no-such-bucket-{uuid.uuid4().hex[:8]}"
    _use_s3(settings, aws_endpoint, missing)
    emitted = _emit_some()

    assert publish_all() == 0

    assert metrics.value("EVENT_PUT_FAILED") == 2  # one per partition that could not be written
    rows = OutboxEvent.objects.all()
    assert all(r.published_at is None and r.attempts == 1 and "NoSuchBucket" in r.last_error for r in rows)

    s3.create_bucket(Bucket=missing)  # the bucket comes back: the next run publishes everything
    assert publish_all() == 4
    envelopes = [json.loads(line) for key in _all_keys(s3, missing)
                 for line in gzip.decompress(s3.get_object(Bucket=missing, Key=key)["Body"].read()).splitlines()]
    assert {e["event_id"] for e in envelopes} == emitted


@pytest.fixture
def delivery_stream(firehose, bucket):
    name = f"events-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose-lake",
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": "bronze/firehose/",
            "CompressionFormat": "UNCOMPRESSED",
        },
    )
    return name


def test_firehose_sink_delivers_every_envelope_to_the_s3_destination(
        settings, aws_endpoint, s3, firehose, bucket, delivery_stream):
    _use_firehose(settings, aws_endpoint, delivery_stream)
    emitted = _emit_some()

    assert publish_outbox() == 4

    description = firehose.describe_delivery_stream(DeliveryStreamName=delivery_stream)
    assert description["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE"
    keys = _all_keys(s3, bucket, prefix="bronze/firehose/")
    assert keys
    lines = [line for key in keys for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines()]
    envelopes = [json.loads(line) for line in lines]  # one JSON document per line, newline-delimited
    assert all(validate_envelope(e) is None for e in envelopes)
    assert sorted(e["event_id"] for e in envelopes) == sorted(emitted)  # each exactly once


def test_firehose_to_a_missing_stream_counts_event_put_failed(settings, aws_endpoint):
    _use_firehose(settings, aws_endpoint, f"missing-{uuid.uuid4().hex[:8]}")
    emit("account.logged_in", {"surface": "api"})

    assert publish_all() == 0

    assert metrics.value("EVENT_PUT_FAILED") == 1
    row = OutboxEvent.objects.get()
    assert row.published_at is None and "ResourceNotFound" in row.last_error


class ScriptedFirehose:
    """Answers PutRecordBatch from a script, recording what was sent (moto never fails partially)."""

    def __init__(self, failures):
        self.failures = list(failures)  # per call: indexes of records to refuse
        self.calls = []

    def put_record_batch(self, DeliveryStreamName, Records):
        self.calls.append([r["Data"] for r in Records])
        refused = set(self.failures.pop(0)) if self.failures else set()
        answers = [{"ErrorCode": "ServiceUnavailableException"} if i in refused else {"RecordId": str(i)}
                   for i in range(len(Records))]
        return {"FailedPutCount": len(refused), "RequestResponses": answers}


def _envelopes(n):
    return [{"event_id": str(uuid.uuid4()), "n": i} for i in range(n)]


def test_firehose_partial_failure_resends_only_the_refused_records():
    client = ScriptedFirehose(failures=[[1, 3], []])
    sink = FirehoseSink("s", client=client, retry_delay=0)
    batch = _envelopes(5)

    sink.write_batch("event_type=x/dt=2026-01-01/hour=00", batch)

    assert len(client.calls) == 2 and len(client.calls[0]) == 5
    assert [json.loads(d)["n"] for d in client.calls[1]] == [1, 3]


def test_firehose_gives_up_after_retries_and_raises():
    client = ScriptedFirehose(failures=[[0]] * 10)
    sink = FirehoseSink("s", client=client, retry_delay=0)

    with pytest.raises(RuntimeError, match="refused 1 records"):
        sink.write_batch("p", _envelopes(2))
    assert len(client.calls) == 4  # the first try and three retries


def test_firehose_splits_batches_at_the_500_record_limit():
    client = ScriptedFirehose(failures=[])
    FirehoseSink("s", client=client).write_batch("p", _envelopes(1201))
    assert [len(c) for c in client.calls] == [500, 500, 201]


def test_firehose_refuses_a_record_over_the_size_limit():
    client = ScriptedFirehose(failures=[])
    with pytest.raises(ValueError, match="1,000 KiB"):
        FirehoseSink("s", client=client).write_batch("p", [{"blob": "x" * (1024 * 1024)}])
    assert client.calls == []


@pytest.mark.parametrize(("overrides", "message"), [
    ({"TELEMETRY_SINK": "kafka"}, "TELEMETRY_SINK must be one of"),
    ({"TELEMETRY_SINK": "s3", "TELEMETRY_S3_BUCKET": ""}, "TELEMETRY_S3_BUCKET"),
    ({"TELEMETRY_SINK": "s3", "TELEMETRY_S3_BUCKET": "b", "TELEMETRY_S3_PREFIX": "/"}, "TELEMETRY_S3_PREFIX"),
    ({"TELEMETRY_SINK": "firehose", "TELEMETRY_FIREHOSE_STREAM": ""}, "TELEMETRY_FIREHOSE_STREAM"),
])
def test_misconfigured_sink_is_refused_clearly(settings, overrides, message):
    for name, value in overrides.items():
        setattr(settings, name, value)
    emit("account.logged_in", {"surface": "api"})

    with pytest.raises(ImproperlyConfigured, match=message):
        get_sink()
    with pytest.raises(ImproperlyConfigured, match=message):
        publish_outbox()  # the beat task fails loudly instead of counting put failures forever
    assert OutboxEvent.objects.get().attempts == 0
    with pytest.raises(SystemCheckError, match=r"telemetry\.E001"):
        call_command("check")


def test_aws_sink_without_a_region_is_refused_clearly(settings, monkeypatch, aws_endpoint):
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    _use_firehose(settings, aws_endpoint, "stream")  # S3 falls back to its global endpoint; Firehose cannot
    with pytest.raises(ImproperlyConfigured, match="AWS_DEFAULT_REGION"):
        get_sink()


def test_configured_sinks_are_built_from_settings(settings, aws_endpoint):
    _use_s3(settings, aws_endpoint, "bronze")
    sink = get_sink()
    assert isinstance(sink, S3LakeSink) and sink.bucket == "bronze" and sink.prefix == "bronze/events"
    _use_firehose(settings, aws_endpoint, "stream")
    sink = get_sink()
    assert isinstance(sink, FirehoseSink) and sink.stream == "stream"
    call_command("check")  # a complete configuration passes the system check
