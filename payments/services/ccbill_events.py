"""CCBill postbacks, processed from their authenticated content (no re-fetch: CCBill has no look-up by
our reference). The adapter has already checked the sender network, the URL token, our account and,
for sales, the documented validation digest; here every amount is checked against our own record.

    NewSaleSuccess / NewSaleFailure  the hosted-form sale for a payment (by our echoed reference)
    RenewalSuccess                   a CCBill-billed renewal: a new captured payment like the first, and
                                     products told "renewed" (hooks.PROVIDER_SUBSCRIPTION_CHANGED)
    RenewalFailure, Cancellation,
    Expiration                       told to products (hooks); no money moves
    Refund, Void                     money back to the fan (ours from DataLink, or made at CCBill)
    Chargeback                       funds taken by the card network: a dispute opened and lost at once
                                     (CCBill runs no representment through its webhooks)

CCBill settles every sale to the platform: capture is immediate, escrow and creators' shares are
carried by the ledger, and creators on this route are paid by the platform's payout rail.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from governance.services import audit
from payments import hooks
from payments.models import Payment, PaymentStatus
from payments.money import Money
from payments.providers.base import PaymentProvider, PaymentResult, ProviderEvent
from payments.services import disputes, purchases, refunds
from payments.services.webhook_outcomes import Ignored


def _ignored(reason: str, metric: str = "") -> Exception:
    return Ignored(reason, metric=metric)


def _amount(event: ProviderEvent) -> Money | None:
    minor, currency = event.data.get("amount_minor"), event.data.get("currency")
    return Money(int(minor), currency) if minor is not None and currency else None


def _mismatch(event: ProviderEvent, payment: Payment, got: Money) -> Exception:
    # Never credited on a guess: kept on the event row (error) and counted for an alarm.
    return _ignored(f"amount {got} differs from payment {payment.public_id} {payment.money('amount')}",
                    metric="payments.webhook.amount_mismatch")


def _sale_payment(provider: PaymentProvider, event: ProviderEvent) -> Payment:
    reference = event.data.get("payment_reference") or event.object_id
    payment = Payment.objects.filter(provider=provider.name, provider_payment_id=reference).first()
    if payment is None:
        raise _ignored(f"no local payment for {reference}")
    return payment


def _by_sale(provider: PaymentProvider, event: ProviderEvent) -> Payment:
    sale = event.data.get("subscription_id") or event.object_id
    payment = (Payment.objects.filter(provider=provider.name, provider_charge_id=sale)
               .order_by("created_at", "pk").first())
    if payment is None:
        raise _ignored(f"no local payment for CCBill sale {sale}")
    return payment


def new_sale_success(provider: PaymentProvider, event: ProviderEvent) -> None:
    payment = _sale_payment(provider, event)
    got = _amount(event)
    if got is not None and got != payment.money("amount"):
        raise _mismatch(event, payment, got)
    purchases.apply_result(payment.pk, PaymentResult(
        provider_payment_id=payment.provider_payment_id, status="succeeded", amount=payment.money("amount"),
        amount_captured=payment.money("amount"), charge_id=event.data.get("subscription_id"), raw={}))


def new_sale_failure(provider: PaymentProvider, event: ProviderEvent) -> None:
    payment = _sale_payment(provider, event)
    purchases.apply_result(payment.pk, PaymentResult(
        provider_payment_id=payment.provider_payment_id, status="failed", amount=payment.money("amount"),
        decline_code=str(event.data.get("failureCode") or "ccbill_declined"),
        failure_message=str(event.data.get("failureReason") or "The payment was declined."), raw={}))


def renewal_success(provider: PaymentProvider, event: ProviderEvent) -> None:
    """A renewal CCBill billed on its own schedule: a new captured payment for the same purchase,
    priced like the first one (a different amount is refused, not guessed)."""
    first = _by_sale(provider, event)
    # A sale from the recurring FlexForm carries the later periods' price (a first-period promotion makes
    # it differ from the first charge); an older one-price sale rebills at its first amount.
    terms = first.recurring or {"amount": first.amount, "net": first.net_amount, "tax": first.tax_amount,
                                "platform_fee": first.platform_fee, "creator_amount": first.creator_amount,
                                "tax_lines": first.tax_lines, "lines": first.lines}
    expected = Money(terms["amount"], first.currency)
    got = _amount(event)
    if got is not None and got != expected:
        raise _mismatch(event, first, got)
    transaction_id = event.data.get("transaction_id") or event.event_id
    key = f"ccbill-renewal:{transaction_id}"[:100]
    # A subscription's rebill is a renewal (statements and products tell it from the first sale by purpose).
    purpose = "subscription_renewal" if first.purpose == "subscription" else first.purpose
    try:
        with transaction.atomic():
            renewal = Payment.objects.create(
                fan_id=first.fan_id, creator_id=first.creator_id, purpose=purpose, reference=first.reference,
                description=first.description, idempotency_key=key, request_hash=first.request_hash,
                currency=first.currency, amount=terms["amount"], net_amount=terms["net"],
                tax_amount=terms["tax"], platform_fee=terms["platform_fee"], creator_amount=terms["creator_amount"],
                prices_include_tax=first.prices_include_tax, tax_country=first.tax_country,
                tax_region=first.tax_region, tax_lines=terms["tax_lines"], tax_evidence=first.tax_evidence,
                tax_engine=first.tax_engine, lines=terms["lines"], provider=first.provider,
                provider_payment_id=f"ccbill_renewal_{transaction_id}"[:100],
                payment_method_label=first.payment_method_label, capture=True,
            )
    except IntegrityError:
        return  # this renewal is already recorded
    purchases.apply_result(renewal.pk, PaymentResult(
        provider_payment_id=renewal.provider_payment_id, status="succeeded", amount=renewal.money("amount"),
        amount_captured=renewal.money("amount"), charge_id=first.provider_charge_id, raw={}))
    # Products renew the subscription (by the first sale, which is what they know).
    told = (first.purpose, first.reference, str(first.public_id), "renewed")
    transaction.on_commit(lambda: hooks.notify(hooks.PROVIDER_SUBSCRIPTION_CHANGED, *told))


def _tell(name: str, kind: str) -> Callable[[PaymentProvider, ProviderEvent], None]:
    def handler(provider: PaymentProvider, event: ProviderEvent) -> None:
        payment = _by_sale(provider, event)
        args = (payment.purpose, payment.reference, str(payment.public_id), kind)
        audit.record(actor=None, action=f"payments.ccbill_{kind}", obj=payment, details={"event": event.event_id})
        transaction.on_commit(lambda: hooks.notify(name, *args))
    return handler


def refund(provider: PaymentProvider, event: ProviderEvent) -> None:
    payment = _by_sale(provider, event)
    got = _amount(event)
    is_void = bool(event.data.get("void"))
    if got is not None and got.currency != payment.currency:
        raise _mismatch(event, payment, got)
    value = got.minor if got is not None and not is_void else None
    provider_refund_id = f"ccbill_txn_{event.data.get('transaction_id') or event.event_id}"[:100]
    row = refunds.record_provider_refund(payment, value, provider_refund_id)
    if row is not None:
        transaction.on_commit(lambda: refunds.after_refund(row), robust=True)


def chargeback(provider: PaymentProvider, event: ProviderEvent) -> None:
    payment = _by_sale(provider, event)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise _ignored("chargeback for a payment that never succeeded")
    got = _amount(event)
    if got is not None and (got.currency != payment.currency or got.minor > payment.amount):
        raise _mismatch(event, payment, got)
    dispute_id = f"ccbill_cb_{event.data.get('transaction_id') or payment.provider_charge_id}"[:100]
    result = PaymentResult(provider_payment_id=payment.provider_payment_id, status="succeeded",
                           amount=payment.money("amount"), dispute_id=dispute_id, dispute_status="lost",
                           dispute_amount=got or payment.money("amount"),
                           dispute_reason=str(event.data.get("reason") or "chargeback")[:40], raw={})
    disputes.sync_from_provider(payment, result)


HANDLERS: dict[str, Callable[[PaymentProvider, ProviderEvent], None]] = {
    "NewSaleSuccess": new_sale_success,
    "NewSaleFailure": new_sale_failure,
    "RenewalSuccess": renewal_success,
    "RenewalFailure": _tell(hooks.PROVIDER_SUBSCRIPTION_CHANGED, "renewal_failed"),
    "Cancellation": _tell(hooks.PROVIDER_SUBSCRIPTION_CHANGED, "cancelled"),
    "Expiration": _tell(hooks.PROVIDER_SUBSCRIPTION_CHANGED, "expired"),
    "Refund": refund,
    "Void": refund,
    "Chargeback": chargeback,
}
