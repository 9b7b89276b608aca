"""Sampled request events: validated in the request, held in memory, written to the outbox in bulk."""

import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from telemetry import request_buffer
from telemetry.middleware import RequestTelemetryMiddleware
from telemetry.models import DeadLetterEvent, OutboxEvent
from telemetry.publisher import publish_all
from telemetry.request_buffer import BUFFER, flush_request_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_buffer(settings):
    settings.TELEMETRY_REQUEST_SAMPLE_RATE = 1.0
    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 3
    settings.TELEMETRY_REQUEST_BUFFER_SECONDS = 3600
    BUFFER.drain()
    yield
    BUFFER.drain()


def _outbox_writes(captured):
    return [q["sql"] for q in captured.captured_queries if "telemetry_outboxevent" in q["sql"]]


def test_page_views_cost_no_outbox_write_until_the_buffer_is_full(client):
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
        client.get("/")
    assert _outbox_writes(captured) == [] and len(BUFFER) == 2
    assert not OutboxEvent.objects.filter(event_type="http.request").exists()

    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    assert len(_outbox_writes(captured)) == 1  # three events, one INSERT
    rows = OutboxEvent.objects.filter(event_type="http.request")
    assert rows.count() == 3 and len(BUFFER) == 0
    assert {r.envelope["payload"]["route"] for r in rows} == {"home"}
    assert {r.envelope["actor_role"] for r in rows} == {"anonymous"}


def test_an_old_buffer_is_written_by_the_next_sampled_request(client, settings):
    settings.TELEMETRY_REQUEST_BUFFER_SECONDS = 0
    client.get("/")
    assert OutboxEvent.objects.filter(event_type="http.request").count() == 1 and len(BUFFER) == 0


def test_the_publisher_takes_buffered_request_events_to_the_lake(client, settings):
    client.get("/")
    client.get("/")
    assert publish_all() == 2
    assert len(BUFFER) == 0
    lines = [json.loads(line) for f in settings.TELEMETRY_LAKE_DIR.rglob("*.jsonl.gz")
             for line in __import__("gzip").decompress(f.read_bytes()).splitlines()]
    assert {line["event_type"] for line in lines} == {"http.request"}


def test_unsampled_and_static_requests_are_not_buffered(client, settings):
    client.get("/static/app.css")
    settings.TELEMETRY_REQUEST_SAMPLE_RATE = 0.0
    client.get("/")
    assert len(BUFFER) == 0


@pytest.mark.allow_dead_letters
def test_personal_data_never_enters_the_buffer():
    request = RequestFactory().get("/")
    request.resolver_match = SimpleNamespace(view_name="someone@example.com", route="")
    request.user = None
    RequestTelemetryMiddleware(lambda r: HttpResponse("ok"))(request)
    assert len(BUFFER) == 0
    dead = DeadLetterEvent.objects.get()
    assert dead.error_code == "EVENT_SCHEMA_INVALID" and "someone@example.com" not in json.dumps(dead.envelope)


def test_a_failed_write_keeps_the_events_and_still_serves_the_page(client, monkeypatch, settings):
    def broken(items):
        raise OSError("database unavailable")

    monkeypatch.setattr(request_buffer, "write_envelopes", broken)
    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 1
    assert client.get("/").status_code == 200
    assert len(BUFFER) == 1  # kept for the next flush
    assert BUFFER.timer is not None and BUFFER.timer.is_alive()  # which a timer will attempt
    monkeypatch.undo()
    settings.TELEMETRY_REQUEST_SAMPLE_RATE = 1.0
    assert flush_request_events() == 1
    assert OutboxEvent.objects.filter(event_type="http.request").count() == 1


def test_flushing_an_empty_buffer_writes_nothing():
    with CaptureQueriesContext(connection) as captured:
        assert flush_request_events() == 0
    assert captured.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_a_quiet_process_writes_its_buffer_when_the_timer_fires(client, settings):
    import time

    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 100
    settings.TELEMETRY_REQUEST_BUFFER_SECONDS = 0.3
    client.get("/")
    assert len(BUFFER) == 1 and not OutboxEvent.objects.filter(event_type="http.request").exists()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not OutboxEvent.objects.filter(event_type="http.request").exists():
        time.sleep(0.05)
    assert OutboxEvent.objects.filter(event_type="http.request").count() == 1 and len(BUFFER) == 0
    assert BUFFER.timer is None  # drained: no timer left waiting


def test_a_full_buffer_cancels_its_timer(client, settings):
    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 2
    client.get("/")
    timer = BUFFER.timer
    assert timer is not None and timer.daemon and timer.is_alive()
    client.get("/")
    timer.join(timeout=5)
    assert not timer.is_alive() and BUFFER.timer is None
    assert OutboxEvent.objects.filter(event_type="http.request").count() == 2
