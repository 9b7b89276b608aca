"""A real Celery worker (not eager) consumes telemetry.publish_outbox from the broker and publishes the outbox.

Two brokers: Redis when REDIS_URL is set (CI's second pass), and the embedded default, kombu's filesystem
transport, which `make run` uses with no server installed.
"""

import gzip
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import OperationalError

from telemetry.events import emit
from telemetry.models import OutboxEvent
from telemetry.tasks import publish_outbox  # noqa: F401 - registers the shared task with every app

# The worker thread reads what the test committed.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def _worker_app(**overrides):
    """A Celery app configured exactly like config.celery's, from Django settings, then not eager."""
    app = Celery("fansub-test-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(task_always_eager=False, worker_hijack_root_logger=False, **overrides)
    app.finalize()
    return app


def _wait_until_published(count, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if OutboxEvent.objects.filter(published_at__isnull=False).count() == count:
                return
        except OperationalError as error:  # the worker's open write locks the shared in-memory SQLite table
            if "locked" not in str(error):
                raise
        time.sleep(0.1)
    pytest.fail(f"the worker did not publish {count} events within {timeout}s")


def _lake_event_ids(lake):
    return {json.loads(line)["event_id"] for part in lake.rglob("*.jsonl.gz")
            for line in gzip.decompress(part.read_bytes()).splitlines()}


def _publish_through(app, queue, lake):
    emitted = {str(emit("account.logged_in", {"surface": "page"}).event_id) for _ in range(3)}
    assert not list(lake.rglob("*.jsonl.gz"))
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20):
        result = app.tasks["telemetry.publish_outbox"].apply_async(queue=queue)
        assert type(result).__name__ == "AsyncResult"  # sent to the broker, not run in place
        _wait_until_published(3)
    assert _lake_event_ids(lake) == emitted


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's PostgreSQL + Redis pass)")
def test_worker_on_redis_publishes_the_outbox_to_the_lake(settings):
    app = _worker_app()
    assert app.conf.broker_url.startswith("redis://")
    queue = f"test-publish-{uuid.uuid4().hex[:8]}"  # never steal another run's tasks on a shared Redis
    try:
        _publish_through(app, queue, settings.TELEMETRY_LAKE_DIR)
    finally:
        with app.connection() as conn:
            conn.default_channel.queue_delete(queue)


def test_worker_on_the_embedded_filesystem_broker_publishes_the_outbox(settings, tmp_path):
    folder = tmp_path / "celery"
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(parents=True)
    app = _worker_app(
        broker_url="filesystem://",
        broker_transport="config.kombu_filesystem:Transport",
        broker_transport_options={"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
                                  "processed_folder": str(folder / "processed"), "store_processed": False,
                                  "control_folder": str(folder / "control"),
                                  "polling_interval": 0.1},
    )
    _publish_through(app, "celery", settings.TELEMETRY_LAKE_DIR)
    assert not list((folder / "queue").iterdir())  # the message was consumed and acknowledged


def test_default_broker_is_a_folder_under_var_when_no_redis_is_configured(tmp_path):
    """What `make run` gets on a bare machine: settings read in a clean process, without REDIS_URL."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV",
                                                            "CELERY_TASK_ALWAYS_EAGER"}}
    env.update(FANSUB_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings")
    code = ("import json; from django.conf import settings as s; "
            "print(json.dumps([s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS, s.CELERY_TASK_ALWAYS_EAGER,"
            " s.CELERY_BROKER_TRANSPORT]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    broker, options, eager, transport = json.loads(out.splitlines()[-1])
    assert broker == "filesystem://" and eager is False
    assert transport == "config.kombu_filesystem:Transport"  # the atomic-write transport, not kombu's own
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "var" / "celery" / "queue")
    assert options["control_folder"] == str(tmp_path / "var" / "celery" / "control")  # nothing in the cwd
    assert django_settings.CELERY_TASK_ALWAYS_EAGER  # while the test process itself stays eager
