"""Domain errors with stable codes. Services raise these; the API and pages render them.

Every app raises a subclass (or DomainError with a code) so that one exception handler can
produce the shared body ``{"error": {"code", "message", "details"}}``.
"""

from typing import Any


class DomainError(Exception):
    code: str = "DOMAIN_ERROR"
    status: int = 400
    default_message: str = "The request could not be completed."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 status: int | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}
        super().__init__(self.message)

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    status = 400
    default_message = "Some fields are invalid."


class PermissionDeniedError(DomainError):
    code = "PERMISSION_DENIED"
    status = 403
    default_message = "You are not allowed to do this."


class NotFoundError(DomainError):
    code = "NOT_FOUND"
    status = 404
    default_message = "Not found."


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    status = 409
    default_message = "This change is not allowed in the current state."


class AgeVerificationRequired(DomainError):
    code = "AGE_VERIFICATION_REQUIRED"
    status = 403
    default_message = "Age verification is required to view this content."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    status = 429
    default_message = "Too many attempts. Try again later."
