"""GET /metrics: the operational metrics in Prometheus' text format.

Open to a staff session that passed the second factor, or to a scraper presenting
`Authorization: Bearer <TELEMETRY_METRICS_TOKEN>` (compared in constant time; no token set, no bearer
access). Everyone else gets 401 (no credentials) or 403 (a session without the staff power).
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from telemetry.metrics import prometheus_text

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _bearer_ok(request: HttpRequest) -> bool:
    token = settings.TELEMETRY_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())


def _verified_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not (user.is_active and user.is_staff):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not (_bearer_ok(request) or _verified_staff(request)):
        authenticated = request.user.is_authenticated or "Authorization" in request.headers
        response = HttpResponse("forbidden\n" if authenticated else "authentication required\n",
                                status=403 if authenticated else 401, content_type="text/plain")
        if not authenticated:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(prometheus_text(), content_type=CONTENT_TYPE)
