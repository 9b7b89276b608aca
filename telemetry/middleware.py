"""Emits one request event per sampled page or API call: route, method, status, latency, pseudonymous actor.

The event is validated and PII-scanned in the request, then held in process memory and written to the
outbox in bulk (telemetry/request_buffer.py): a page view costs no database write of its own.
"""

import logging
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from telemetry.events import dead_letter, prepare
from telemetry.request_buffer import BUFFER, flush_request_events

logger = logging.getLogger("fansub.telemetry")

SKIPPED_PREFIXES = ("/static/", "/favicon.ico")


class RequestTelemetryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path.startswith(SKIPPED_PREFIXES):
            return response
        rate = settings.TELEMETRY_REQUEST_SAMPLE_RATE
        if rate <= 0 or (rate < 1 and random.random() >= rate):
            return response
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match else "unresolved"
        user = getattr(request, "user", None)
        payload = {
            "route": route[:200],
            "method": request.method,
            "status": response.status_code,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "surface": "api" if request.path.startswith("/api/") else
                       "admin" if request.path.startswith("/admin/") else "page",
        }
        event_id, now = uuid.uuid4(), datetime.now(UTC)
        envelope, problem = prepare("http.request", payload, user, source="middleware", occurred_at=now,
                                    event_id=event_id)
        if problem:
            dead_letter(envelope, problem, component="telemetry.middleware")
        elif BUFFER.add(event_id, envelope, now):
            try:
                flush_request_events()
            except Exception:  # the page was served: a lake outage must not turn it into an error
                logger.exception("request events kept in memory: the outbox write failed")
        return response
