"""OpenAPI helpers: the one error body shape, and error responses every operation documents.

Every API error is `{"error": {"code", "message", "details"}}` (see common.api.errors). Views list the
statuses they can return with ``errors(400, 404, ...)``; `AutoSchema` adds the ones every operation of a
kind can return (401 wherever callers are authenticated: an invalid API token is refused even where no login
is needed; 500 INTERNAL_ERROR anywhere; 429 when throttled; 400, 413 and 415 when it takes a body), so views do
not repeat those.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. VALIDATION_ERROR, NOT_ENTITLED.")
    message = serializers.CharField(help_text="Human-readable summary; do not parse.")
    details = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Code-specific context; for VALIDATION_ERROR, the field errors keyed by field name.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Invalid input (VALIDATION_ERROR, PARSE_ERROR, IDEMPOTENCY_KEY_REQUIRED, ...).",
    401: "No valid credentials (NOT_AUTHENTICATED, AUTHENTICATION_FAILED).",
    402: "The payment was declined (PAYMENT_DECLINED).",
    403: "Not allowed (PERMISSION_DENIED, AGE_VERIFICATION_REQUIRED, ...).",
    404: "No such object, or not visible to the caller (NOT_FOUND).",
    409: "Conflicts with the current state (INVALID_TRANSITION, IDEMPOTENCY_CONFLICT, ...).",
    413: "The body or the uploaded file is larger than allowed (REQUEST_TOO_LARGE, MEDIA_TOO_LARGE).",
    415: "The body's or the file's type is not accepted (UNSUPPORTED_MEDIA_TYPE, MEDIA_TYPE_UNSUPPORTED).",
    422: "Understood but refused by a content rule (REQUEST_PROHIBITED, MEDIA_CORRUPT, PERFORMER_UNDERAGE, "
         "CONTENT_REFUSED).",
    429: "Too many requests (RATE_LIMITED); see the Retry-After header.",
    500: "An unexpected server error (INTERNAL_ERROR); the body is still the error body, never an HTML page.",
    503: "A provider is unavailable or not configured (PAYMENT_PROVIDER_UNAVAILABLE, ...); retry later.",
}


REQUIRES_ACTION = "The payment needs the fan's action first (3-D Secure): follow client_action, then retry."


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for `extend_schema(responses={...})`, all with the shared error body."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in statuses}


def _class_sets(view: Any, attribute: str) -> bool:
    return any(attribute in vars(klass) for klass in type(view).__mro__ if klass.__module__.split(".")[0]
               not in ("rest_framework",))


class AutoSchema(SpectacularAutoSchema):
    """Adds the cross-cutting error responses every operation can return: 401 when the caller must log in or
    the view authenticates callers at all (an invalid token is refused even on open endpoints), 500 anywhere,
    429 when throttled, 404 for a page past the end of a paginated list, and 400/413/415 for a body that does
    not parse, is too large or has an unsupported content type."""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        extra: list[int] = [500]
        if self._requires_authentication() or self._authenticates():
            extra.append(401)
        if self._is_throttled():
            extra.append(429)
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            extra += [400, 413, 415]
        if self._is_paginated_list():
            extra.append(404)  # ?page= past the last page (or not a number): NOT_FOUND
        for code, response in errors(*extra).items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code), direction=direction)
        return dict(sorted(responses.items()))

    def _is_paginated_list(self) -> bool:
        return (self.method == "GET" and self._is_list_view()
                and getattr(self.view, "pagination_class", None) is not None)

    def _requires_authentication(self) -> bool:
        return not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _authenticates(self) -> bool:
        # Any view with authenticators refuses a bad Authorization header (an invalid or unknown API token)
        # with 401 before its permissions run; only provider webhooks (no authenticators) ignore the header.
        return bool(self.view.get_authenticators())

    def _is_throttled(self) -> bool:
        # Default throttles apply in production even where the test settings switch them off; a view
        # opts out only by declaring an empty throttle_classes itself (provider webhooks).
        if _class_sets(self.view, "throttle_classes"):
            return bool(self.view.throttle_classes)
        return True
