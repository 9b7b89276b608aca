"""Two publishers running at once on PostgreSQL never publish the same outbox row twice."""

import threading
from collections import Counter

import pytest
from django.db import connection

from telemetry.events import emit
from telemetry.models import OutboxEvent
from telemetry.publisher import publish_all, publish_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class RendezvousSink:
    """Holds each writer inside write_batch until both publishers are there: proves they overlapped."""

    def __init__(self, parties):
        self.barrier = threading.Barrier(parties, timeout=10)
        self.lock = threading.Lock()
        self.written = []
        self.overlapped = 0

    def write_batch(self, partition, envelopes):
        try:
            self.barrier.wait()
            with self.lock:
                self.overlapped += 1
        except threading.BrokenBarrierError:
            pass  # the other publisher never got in: no overlap, counted by `overlapped`
        with self.lock:
            self.written.extend(e["event_id"] for e in envelopes)
        return "memory://"


def _run_in_threads(target, count):
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # surfaced in the test thread below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_concurrent_publishers_take_disjoint_rows():
    for _ in range(20):
        emit("account.logged_in", {"surface": "api"})
    sink = RendezvousSink(parties=2)

    _run_in_threads(lambda: publish_pending(batch_size=10, sink=sink), 2)

    assert sink.overlapped == 2, "the two publishers did not run at the same time"
    assert len(sink.written) == 20
    assert not [event for event, seen in Counter(sink.written).items() if seen > 1]
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_concurrent_drains_publish_every_row_exactly_once():
    for _ in range(45):
        emit("account.signed_up", {"role": "fan", "country": None})

    class CollectingSink:
        def __init__(self):
            self.lock = threading.Lock()
            self.written = []

        def write_batch(self, partition, envelopes):
            with self.lock:
                self.written.extend(e["event_id"] for e in envelopes)
            return "memory://"

    sink = CollectingSink()
    from django.test import override_settings

    with override_settings(TELEMETRY_PUBLISH_BATCH_SIZE=4):
        _run_in_threads(lambda: publish_all(sink=sink), 3)

    assert sorted(sink.written) == sorted(str(e) for e in OutboxEvent.objects.values_list("event_id", flat=True))
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
