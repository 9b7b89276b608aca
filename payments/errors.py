"""Stable error codes of the payments app.

Defined in the one error catalogue, ``common.errors``; re-exported here for payments' callers."""

from common.errors import (
    IdempotencyConflict,
    IdempotencyInProgress,
    IdempotencyKeyRequired,
    InvalidAmount,
    LedgerAlreadyReversed,
    LedgerUnbalanced,
    PaymentDeclined,
    PayoutNotAllowed,
    ProviderUnavailable,
    RefundNotAllowed,
    TaxLocationConflict,
    TaxLocationInsufficient,
)

__all__ = [
    "IdempotencyConflict",
    "IdempotencyInProgress",
    "IdempotencyKeyRequired",
    "InvalidAmount",
    "LedgerAlreadyReversed",
    "LedgerUnbalanced",
    "PaymentDeclined",
    "PayoutNotAllowed",
    "ProviderUnavailable",
    "RefundNotAllowed",
    "TaxLocationConflict",
    "TaxLocationInsufficient",
]
