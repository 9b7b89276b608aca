"""Domain errors raised by provider adapters, with stable codes.

A card decline is *not* an exception: it is a ``PaymentResult`` with ``status="failed"`` and a
``decline_code``, because the coordinator records it like any other outcome. Exceptions are for
the cases where the provider could not give an outcome at all.

Defined in the one error catalogue, ``common.errors``; re-exported here for payments' callers."""

from common.errors import (
    ContentRoutingRefused,
    ProviderIdempotencyConflict,
    ProviderMisconfigured,
    ProviderOperationUnsupported,
    ProviderOutcomeUnknown,
    ProviderRequestRejected,
    ProviderUnavailable,
)

__all__ = [
    "ContentRoutingRefused",
    "ProviderIdempotencyConflict",
    "ProviderMisconfigured",
    "ProviderOperationUnsupported",
    "ProviderOutcomeUnknown",
    "ProviderRequestRejected",
    "ProviderUnavailable",
]
