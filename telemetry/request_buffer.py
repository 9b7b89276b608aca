"""Request events wait in process memory and reach the outbox in bulk: no database commit per page view.

The middleware validates and PII-scans each sampled request event at once (so only publishable,
PII-free envelopes are ever held), then appends it here. The buffer is written to the outbox with one
INSERT in one transaction when it holds TELEMETRY_REQUEST_BUFFER_SIZE events, when its oldest event is
TELEMETRY_REQUEST_BUFFER_SECONDS old (by a timer thread started with the buffer's first event, so a quiet
web process does not sit on its events — their lag would page someone — and by the next sampled request),
when the publisher runs in this process, and at interpreter exit. A crash of the web process loses at most
one buffer of sampled request metrics (never a business event: those go through emit() in their own transaction).
"""

import atexit
import logging
import threading
import time
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from telemetry.outbox import write_envelopes

logger = logging.getLogger("fansub.telemetry")


class RequestEventBuffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[tuple[uuid.UUID, dict[str, Any], datetime]] = []
        self.oldest = 0.0
        self.timer: threading.Timer | None = None

    def add(self, event_id: uuid.UUID, envelope: dict[str, Any], created: datetime) -> bool:
        """Hold one event; True when the buffer is due to be written (by the caller)."""
        with self.lock:
            if not self.items:
                self.oldest = time.monotonic()
            self.items.append((event_id, envelope, created))
            due = (len(self.items) >= settings.TELEMETRY_REQUEST_BUFFER_SIZE
                   or time.monotonic() - self.oldest >= settings.TELEMETRY_REQUEST_BUFFER_SECONDS)
            if not due:
                self._ensure_timer()
            return due

    def _ensure_timer(self) -> None:
        """Under the lock: a timer that writes the buffer when its oldest event is due."""
        if self.timer is None or not self.timer.is_alive():
            self.timer = threading.Timer(settings.TELEMETRY_REQUEST_BUFFER_SECONDS, _flush_from_timer)
            self.timer.daemon = True
            self.timer.start()

    def put_back(self, items: list[tuple[uuid.UUID, dict[str, Any], datetime]]) -> None:
        """Return events whose write failed, ahead of newer ones, and try again after a period."""
        with self.lock:
            self.items[:0] = items
            self._ensure_timer()

    def drain(self) -> list[tuple[uuid.UUID, dict[str, Any], datetime]]:
        with self.lock:
            items, self.items = self.items, []
            if self.timer is not None:  # this period is over: the next first event starts a new timer
                self.timer.cancel()
                self.timer = None
            return items

    def __len__(self) -> int:
        return len(self.items)


BUFFER = RequestEventBuffer()


def flush_request_events() -> int:
    """Write the held request events to the outbox: one INSERT, one commit. Returns how many."""
    items = BUFFER.drain()
    if not items:
        return 0
    try:
        with transaction.atomic():
            return write_envelopes(items)
    except Exception:
        BUFFER.put_back(items)  # keep them for the next flush rather than lose them
        raise


def _flush_from_timer() -> None:
    from django.db import connection

    try:
        flush_request_events()
    except Exception:  # kept in the buffer by flush_request_events: the next request or timer retries
        logger.exception("could not write %d buffered request events", len(BUFFER))
    finally:
        connection.close()  # this thread's own connection; the thread ends here


def _flush_at_exit() -> None:
    try:
        flush_request_events()
    except Exception:  # the process is going away: say so, never raise from atexit
        logger.exception("could not write %d buffered request events at exit", len(BUFFER))


atexit.register(_flush_at_exit)
