"""OpenAPI helpers: the one error body shape, and error responses every operation documents.

Every API error is `{"error": {"code", "message", "details"}}` (see common.api.errors). Views list the
statuses they can return with ``errors(400, 404, ...)``; `AutoSchema` adds 401 to operations that need
an authenticated caller and 429 to throttled ones, so views do not repeat those.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import is_serializer
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
    429: "Too many requests (RATE_LIMITED); see the Retry-After header.",
    503: "The payment provider is unavailable (PAYMENT_PROVIDER_UNAVAILABLE); retry later.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for `extend_schema(responses={...})`, all with the shared error body."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in statuses}


def _class_sets(view: Any, attribute: str) -> bool:
    return any(attribute in vars(klass) for klass in type(view).__mro__ if klass.__module__.split(".")[0]
               not in ("rest_framework",))


class AutoSchema(SpectacularAutoSchema):
    """Adds the cross-cutting error responses (401 when a caller must log in, 429 when throttled)."""

    def get_response_serializers(self) -> Any:
        responses = super().get_response_serializers()
        if is_serializer(responses) or isinstance(responses, OpenApiResponse):
            if self.method == "DELETE":
                responses = {204: None}
            else:
                responses = {201 if self._is_create_operation() else 200: responses}
        if not isinstance(responses, dict):
            return responses
        extra: dict[int, OpenApiResponse] = {}
        if self._requires_authentication():
            extra.update(errors(401))
        if self._is_throttled():
            extra.update(errors(429))
        return {**responses, **{code: r for code, r in extra.items() if code not in responses
                                and str(code) not in responses}}

    def _requires_authentication(self) -> bool:
        return not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _is_throttled(self) -> bool:
        # Default throttles apply in production even where the test settings switch them off; a view
        # opts out only by declaring an empty throttle_classes itself (provider webhooks).
        if _class_sets(self.view, "throttle_classes"):
            return bool(self.view.throttle_classes)
        return True
