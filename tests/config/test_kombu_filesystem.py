"""The embedded broker's transport: a message becomes visible to readers only once it is complete."""

import contextlib
import os
import threading
import time
from queue import Empty

from kombu import Connection

from config import kombu_filesystem


def _connection(folder):
    folder.mkdir(exist_ok=True)
    return Connection("filesystem://", transport="config.kombu_filesystem:Transport", transport_options={
        "data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(folder.parent / "control"),
        "polling_interval": 0.01})


def test_a_message_is_written_aside_and_renamed_into_place(tmp_path, monkeypatch):
    folder = tmp_path / "queue"
    seen_before_rename = []
    real_replace = os.replace

    def spying_replace(source, target):
        seen_before_rename.append(sorted(os.listdir(folder)))
        return real_replace(source, target)

    monkeypatch.setattr(kombu_filesystem.os, "replace", spying_replace)
    with _connection(folder) as conn:
        conn.default_channel._put("jobs", {"body": "x" * 10_000})

        [listing] = seen_before_rename
        assert len(listing) == 1 and listing[0].endswith(".jobs.msg.part")  # nothing a reader would take
        [name] = os.listdir(folder)
        assert name.endswith(".jobs.msg")
        assert conn.default_channel._get("jobs") == {"body": "x" * 10_000}


def test_a_reader_polling_during_writes_gets_every_message_intact(tmp_path):
    folder = tmp_path / "queue"
    total = 300
    with _connection(folder) as writer_conn, _connection(folder) as reader_conn:
        writer, reader = writer_conn.default_channel, reader_conn.default_channel

        def write():
            for n in range(total):
                writer._put("jobs", {"n": n, "pad": "p" * 4096})

        thread = threading.Thread(target=write)
        thread.start()
        received = []
        deadline = time.monotonic() + 60
        while (thread.is_alive() or len(received) < total) and time.monotonic() < deadline:
            with contextlib.suppress(Empty):
                received.append(reader._get("jobs")["n"])  # a half-written message raises a JSON error
            if not thread.is_alive() and not os.listdir(folder):
                break
        thread.join()
    assert sorted(received) == list(range(total))


def test_the_broker_folders_are_created_on_first_use(tmp_path):
    base = tmp_path / "var" / "celery"
    options = {"data_folder_in": str(base / "queue"), "data_folder_out": str(base / "queue"),
               "processed_folder": str(base / "processed"), "control_folder": str(base / "control")}
    with Connection("filesystem://", transport="config.kombu_filesystem:Transport", transport_options=options) as conn:
        conn.default_channel._put("jobs", {"n": 1})
        assert conn.default_channel._get("jobs") == {"n": 1}
    assert sorted(p.name for p in base.iterdir()) == ["control", "processed", "queue"]
