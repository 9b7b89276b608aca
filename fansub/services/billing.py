"""The only door from fansub to payments: quotes, charges and refunds for subscriptions and unlocks.

Products never touch a provider or the ledger; they call here, and this module calls the
purchase abstraction of ``payments`` with a purpose, a generic reference and an idempotency key
built from local ids and the operation.
"""

from dataclasses import dataclass
from typing import Any

from payments.money import Money


@dataclass(frozen=True)
class ChargeOutcome:
    status: str                       # "succeeded" | "requires_action" | "failed"
    payment_reference: str
    amount: Money
    client_action: dict[str, Any] | None = None
    decline_code: str | None = None
    message: str = ""


@dataclass(frozen=True)
class PriceQuote:
    net: Money
    tax: Money
    total: Money
    tax_rate: str
    jurisdiction: str
    prices_include_tax: bool


def quote(fan: Any, creator: Any, amount: Money) -> PriceQuote:
    from payments.services import purchases

    q = purchases.quote(fan=fan, creator=creator, amount=amount)
    return PriceQuote(net=q.net, tax=q.tax, total=q.total, tax_rate=str(q.rate), jurisdiction=q.jurisdiction,
                      prices_include_tax=q.prices_include_tax)


def charge(*, fan: Any, creator: Any, amount: Money, purpose: str, reference: str, idempotency_key: str,
           payment_method: str) -> ChargeOutcome:
    from payments.services import purchases

    payment = purchases.charge(fan=fan, creator=creator, amount=amount, purpose=purpose, reference=reference,
                               idempotency_key=idempotency_key, payment_method=payment_method)
    return ChargeOutcome(status=_status(payment.status), payment_reference=str(payment.pk),
                         amount=amount, client_action=getattr(payment, "client_action", None) or None,
                         decline_code=getattr(payment, "decline_code", None) or None,
                         message=getattr(payment, "failure_message", "") or "")


def _status(payment_status: str) -> str:
    if payment_status in ("succeeded", "captured", "requires_capture", "held"):
        return "succeeded"
    if payment_status in ("requires_action", "pending", "processing"):
        return "requires_action"
    return "failed"


def hold(*, fan: Any, creator: Any, amount: Money, reference: str, idempotency_key: str,
         payment_method: str) -> ChargeOutcome:
    """Charge the fan into escrow (custom requests): the creator's balance does not move yet."""
    from payments.services import purchases

    payment = purchases.charge(fan=fan, creator=creator, amount=amount, purpose="custom_request",
                               reference=reference, idempotency_key=idempotency_key, payment_method=payment_method,
                               escrow=True)
    return ChargeOutcome(status=_status(payment.status), payment_reference=str(payment.pk), amount=amount,
                         client_action=getattr(payment, "client_action", None) or None,
                         decline_code=getattr(payment, "decline_code", None) or None,
                         message=getattr(payment, "failure_message", "") or "")


def release(payment_reference: str) -> None:
    """Move held funds to the creator's pending earnings."""
    from payments.services import purchases

    purchases.release_escrow(payment_reference)


def refund_held(payment_reference: str, amount: Money, *, reason: str) -> None:
    from payments.services import purchases

    purchases.refund(payment_reference, amount=amount, reason=reason)
