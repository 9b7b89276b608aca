"""Emits one request event per sampled page or API call: route, method, status, latency, pseudonymous actor."""

import random
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from telemetry.events import emit

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
        with transaction.atomic():
            emit("http.request", payload, actor=user,
                 source="middleware")
        return response
