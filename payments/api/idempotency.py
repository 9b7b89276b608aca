"""Idempotency-Key for DRF endpoints that move money.

Decorate a view method (or function view) with ``@idempotent("endpoint-name")``: a request without
the header is refused with IDEMPOTENCY_KEY_REQUIRED; the first response per (user, key, endpoint)
is stored with a hash of the request body and replayed for retries; the same key with another body
is refused with IDEMPOTENCY_CONFLICT; a retry while the first call still runs gets
IDEMPOTENCY_IN_PROGRESS. As Stripe does, the outcome of an attempt that ran is stored — success, a decline,
a business refusal such as REFUND_NOT_ALLOWED (so the same request cannot succeed later by surprise) — while
a request refused before it ran is forgotten, so the client may complete it and retry with the same key:
an attempt still waiting for the fan's bank (202), bad input (400), authentication and permission (401,
403), not found (404), rate limits (429), a question
for the fan (TAX_LOCATION_CONFLICT, TAX_LOCATION_INSUFFICIENT) and server errors (5xx).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import encoders

from common.api.errors import exception_handler
from payments.errors import (
    IdempotencyConflict,
    IdempotencyInProgress,
    IdempotencyKeyRequired,
    TaxLocationConflict,
    TaxLocationInsufficient,
)
from payments.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"

# The header as the OpenAPI schema documents it, for every endpoint that moves money.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=True,
    description="Required on every endpoint that moves money (at most 100 characters); a retry with the same "
                "key returns the first outcome, the same key with another body is IDEMPOTENCY_CONFLICT.")


def body_hash(request: Request) -> str:
    try:
        data = request.data
        canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    except Exception:
        canonical = request.body.decode("latin-1") if hasattr(request, "body") else ""
    return hashlib.sha256(f"{request.method}:{canonical}".encode()).hexdigest()


def _error(exc: Exception) -> Response:
    return exception_handler(exc, {})


# 202 is not an outcome yet (a 3-D Secure step is pending): a retry asks the service again, which finds the
# attempt by its key and answers how it stands now (completed, still waiting, expired).
NOT_STORED_STATUSES = frozenset({202, 400, 401, 403, 404, 429})
NOT_STORED_CODES = frozenset({TaxLocationConflict.code, TaxLocationInsufficient.code})


def _stores(response: Response) -> bool:
    if response.status_code >= 500 or response.status_code in NOT_STORED_STATUSES:
        return False
    error = (response.data or {}).get("error") if isinstance(response.data, dict) else None
    return not (error and error.get("code") in NOT_STORED_CODES)


def idempotent(endpoint: str, *, moves_money: Callable[[Request], bool] | None = None) -> Callable:
    """``moves_money`` narrows an endpoint that does several things (a custom request's actions) to the
    requests that move money; the others run as they are."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            request = next(a for a in args if isinstance(a, Request))
            if moves_money is not None and not moves_money(request):
                return view(*args, **kwargs)
            key = (request.headers.get(HEADER) or "").strip()
            if not key or len(key) > 100:
                return _error(IdempotencyKeyRequired())
            request.idempotency_key = key  # the view hands it on to its service (a provider key is built from it)
            name = endpoint.format(**kwargs)
            digest = body_hash(request)
            try:
                with transaction.atomic():
                    row = IdempotentRequest.objects.create(user=request.user, key=key, endpoint=name,
                                                           request_hash=digest)
            except IntegrityError:
                first = IdempotentRequest.objects.get(user=request.user, key=key, endpoint=name)
                if first.request_hash != digest:
                    return _error(IdempotencyConflict())
                if first.status_code is None:
                    return _error(IdempotencyInProgress())
                response = Response(first.response_json, status=first.status_code)
                response[REPLAY_HEADER] = "true"
                return response
            try:
                response = view(*args, **kwargs)
            except Exception as exc:
                response = _error(exc)
                if response is None:
                    IdempotentRequest.objects.filter(pk=row.pk).delete()
                    raise
            if _stores(response):
                stored = json.loads(json.dumps(response.data, cls=encoders.JSONEncoder))
                IdempotentRequest.objects.filter(pk=row.pk).update(status_code=response.status_code,
                                                                   response_json=stored)
            else:
                IdempotentRequest.objects.filter(pk=row.pk).delete()
            return response

        wrapper.idempotent_endpoint = endpoint
        return wrapper

    return decorator

