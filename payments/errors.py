"""Stable error codes of the payments app."""

from common.errors import DomainError


class PaymentDeclined(DomainError):
    code = "PAYMENT_DECLINED"
    status = 402
    default_message = "The payment was declined."


class IdempotencyConflict(DomainError):
    code = "IDEMPOTENCY_CONFLICT"
    status = 409
    default_message = "This Idempotency-Key was already used with a different request."


class IdempotencyInProgress(DomainError):
    code = "IDEMPOTENCY_IN_PROGRESS"
    status = 409
    default_message = "A request with this Idempotency-Key is still being processed; retry shortly."


class IdempotencyKeyRequired(DomainError):
    code = "IDEMPOTENCY_KEY_REQUIRED"
    status = 400
    default_message = "This endpoint moves money and needs an Idempotency-Key header."


class LedgerUnbalanced(DomainError):
    code = "LEDGER_UNBALANCED"
    status = 500
    default_message = "A ledger transaction must sum to zero in every currency."


class LedgerAlreadyReversed(DomainError):
    code = "LEDGER_ALREADY_REVERSED"
    status = 409
    default_message = "This ledger transaction was already reversed."


class TaxLocationConflict(DomainError):
    code = "TAX_LOCATION_CONFLICT"
    status = 409
    default_message = "Your billing details and payment card point to different countries. Confirm where you live."


class TaxLocationInsufficient(DomainError):
    code = "TAX_LOCATION_INSUFFICIENT"
    status = 400
    default_message = "We need two matching pieces of evidence of where you live (billing address, card, network)."


class RefundNotAllowed(DomainError):
    code = "REFUND_NOT_ALLOWED"
    status = 409
    default_message = "This payment cannot be refunded for that amount."


class InvalidAmount(DomainError):
    code = "INVALID_AMOUNT"
    status = 400
    default_message = "The amount is not valid."


class ProviderUnavailable(DomainError):
    code = "PAYMENT_PROVIDER_UNAVAILABLE"
    status = 503
    default_message = "The payment provider could not be reached; nothing was charged twice. Retry shortly."


class PayoutNotAllowed(DomainError):
    code = "PAYOUT_NOT_ALLOWED"
    status = 409
    default_message = "No payout can be made now."
