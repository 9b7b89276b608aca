"""Domain errors raised by provider adapters, with stable codes.

A card decline is *not* an exception: it is a ``PaymentResult`` with ``status="failed"`` and a
``decline_code``, because the coordinator records it like any other outcome. Exceptions are for
the cases where the provider could not give an outcome at all.
"""

from common.errors import DomainError


class ProviderUnavailable(DomainError):
    """Retryable: rate limited, connection failed, or the provider answered 5xx.

    The caller retries the *same* operation with the *same* idempotency key; the provider then
    either performs it once or replays its first answer.
    """

    code = "PAYMENT_PROVIDER_UNAVAILABLE"
    status = 503
    default_message = "The payment provider is temporarily unavailable. Try again shortly."
    retryable = True


class ProviderOutcomeUnknown(DomainError):
    """The request may or may not have been performed (timeout after sending, to a processor without
    idempotency keys). Not retryable as is: reconcile (webhook, processor admin) first."""

    code = "PAYMENT_PROVIDER_OUTCOME_UNKNOWN"
    status = 503
    default_message = "The payment provider did not answer; the operation may or may not have happened."
    retryable = False


class ProviderRequestRejected(DomainError):
    """Not retryable as is: the provider refused the request (bad parameters, wrong state...)."""

    code = "PAYMENT_PROVIDER_REJECTED"
    status = 502
    default_message = "The payment provider rejected the request."
    retryable = False


class ProviderIdempotencyConflict(DomainError):
    """The idempotency key was already used with different parameters: a bug in the caller."""

    code = "IDEMPOTENCY_CONFLICT"
    status = 409
    default_message = "This idempotency key was already used for a different request."
    retryable = False


class ProviderMisconfigured(DomainError):
    """Credentials or account set-up are wrong (401/403 from the provider, missing settings)."""

    code = "PAYMENT_PROVIDER_MISCONFIGURED"
    status = 500
    default_message = "The payment provider is not configured correctly."
    retryable = False


class ProviderOperationUnsupported(DomainError):
    """The processor has no API for this operation (the coordinator must take another route)."""

    code = "PAYMENT_OPERATION_UNSUPPORTED"
    status = 409
    default_message = "This payment provider does not support this operation."
    retryable = False


class ContentRoutingRefused(DomainError):
    """A purchase of this content category may not go through the configured provider."""

    code = "PAYMENT_ROUTING_REFUSED"
    status = 409
    default_message = "This purchase cannot be processed by the configured payment provider."
    retryable = False
