"""Disputes (chargebacks): opened — funds withdrawn; closed won — reinstated; lost — they stay out.

Driven only by the provider's re-fetched payment (PaymentResult.dispute_*), never by a payload.
"""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from payments import hooks
from payments.models import Dispute, EscrowState, Payment, SaleRecord
from payments.models.payments import DISPUTE_TRANSITIONS, ESCROW_TRANSITIONS
from payments.money import Money
from payments.providers.base import PaymentResult
from payments.services import events, ledger, payouts
from payments.services.refunds import reversal_legs
from payments.services.splits import apply_split, reversal_split, tax_lines_share

# Stripe's inquiries ("warning_*") withdraw no funds: nothing to post unless they become disputes.
NO_FUNDS_WITHDRAWN = frozenset({"warning_needs_response", "warning_under_review", "warning_closed"})


def sync_from_provider(payment: Payment, result: PaymentResult) -> Dispute | None:
    if not result.dispute_id or not payment.posted:
        return None
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        dispute = Dispute.objects.select_for_update().filter(payment=payment,
                                                             provider_dispute_id=result.dispute_id).first()
        if dispute is None:
            if result.dispute_status in NO_FUNDS_WITHDRAWN:
                return None
            dispute = _open(payment, result)
        _record_provider_view(dispute, result)
        _book_fee(payment, dispute, result)
        if result.dispute_status in {"won", "lost"} and dispute.status == Dispute.Status.OPEN:
            _close(payment, dispute, won=result.dispute_status == "won")
    return dispute


def _book_fee(payment: Payment, dispute: Dispute, result: PaymentResult) -> None:
    """The provider's dispute fee is a processing cost of the platform: book what changed since last time
    (charged when the dispute opens; given back by some networks when it is won)."""
    fee = result.dispute_fee
    if fee is None or fee.currency != payment.currency or fee.minor == dispute.fee:
        return
    delta = Money(fee.minor - dispute.fee, fee.currency)
    fees, clearing = ledger.processor_fees(fee.currency), ledger.clearing(fee.currency)
    legs = ([ledger.debit(fees, delta), ledger.credit(clearing, delta)] if delta.minor > 0 else
            [ledger.debit(clearing, Money(-delta.minor, fee.currency)), ledger.credit(fees, Money(-delta.minor,
                                                                                                  fee.currency))])
    ledger.post("dispute_fee", legs, memo=f"dispute fee {dispute.provider_dispute_id}", source_type="dispute",
                source_id=str(dispute.pk))
    dispute.fee = fee.minor
    dispute.save(update_fields=["fee"])


def _record_provider_view(dispute: Dispute, result: PaymentResult) -> None:
    due = (datetime.fromtimestamp(result.dispute_evidence_due_by, tz=UTC)
           if result.dispute_evidence_due_by else dispute.evidence_due_by)
    status = (result.dispute_status or dispute.provider_status)[:40]
    if (status, due) != (dispute.provider_status, dispute.evidence_due_by):
        dispute.provider_status, dispute.evidence_due_by = status, due
        dispute.save(update_fields=["provider_status", "evidence_due_by"])


def _open(payment: Payment, result: PaymentResult) -> Dispute:
    amount = result.dispute_amount.minor if result.dispute_amount else payment.amount
    dispute = Dispute.objects.create(payment=payment, provider_dispute_id=result.dispute_id, amount=amount,
                                     currency=payment.currency, reason=(result.dispute_reason or "")[:40])
    money = Money(amount, payment.currency)
    ledger.post("dispute_opened", [ledger.debit(ledger.disputes(payment.currency), money),
                                   ledger.credit(ledger.clearing(payment.currency), money)],
                memo=f"dispute {dispute.provider_dispute_id}", source_type="dispute", source_id=str(dispute.pk))
    events.dispute_opened(dispute)
    return dispute


def _close(payment: Payment, dispute: Dispute, *, won: bool) -> None:
    target = Dispute.Status.WON if won else Dispute.Status.LOST
    DISPUTE_TRANSITIONS.check(dispute.status, target)
    currency = payment.currency
    money = Money(dispute.amount, currency)
    if won:
        legs = [ledger.debit(ledger.clearing(currency), money), ledger.credit(ledger.disputes(currency), money)]
    else:
        # Lost: the sale is reversed like a refund the fan's bank made for them.
        taken = min(dispute.amount, payment.refundable.minor)
        split = reversal_split(payment, taken)
        tax_parts = tax_lines_share(payment, split.tax)
        legs = reversal_legs(payment, split, tax_parts)
        if dispute.amount > taken:  # more withdrawn than was left to reverse: the platform bears it
            legs.append(ledger.debit(ledger.refunds(currency), Money(dispute.amount - taken, currency)))
        legs.append(ledger.credit(ledger.disputes(currency), money))
        apply_split(payment, split)
        payment.amount_charged_back += taken
        if payment.escrow == EscrowState.HELD:
            ESCROW_TRANSITIONS.move(payment, EscrowState.REFUNDED, field="escrow")
        payment.save()
        SaleRecord.objects.create(
            payment=payment, buyer_id=payment.fan_id, country=payment.tax_country, region=payment.tax_region,
            evidence={"chargeback_for": str(payment.public_id)}, currency=currency,
            net_amount=-(taken - split.tax), tax_amount=-split.tax,
            tax_lines=[{"jurisdiction": j, "amount": -a} for j, a in tax_parts], engine="chargeback",
        )
        reversed_ = (payment.purpose, payment.reference, str(payment.public_id),
                     payment.amount_refunded + payment.amount_charged_back >= payment.amount)
        # A lost chargeback takes the money back like a refund: products revoke what it bought.
        transaction.on_commit(lambda: hooks.notify(hooks.PAYMENT_REVERSED, *reversed_))
        # The creator's share may already have been transferred: take it back (after commit: a provider
        # call never runs inside a transaction; reconcile sweeps anything this misses).
        creator_id, cause = payment.creator_id, f"dispute:{dispute.pk}"
        transaction.on_commit(lambda: _recover(creator_id, currency, cause), robust=True)
    ledger.post("dispute_won" if won else "dispute_lost", legs, memo=f"dispute {dispute.provider_dispute_id}",
                source_type="dispute", source_id=str(dispute.pk))
    dispute.status = target
    dispute.closed_at = timezone.now()
    dispute.save(update_fields=["status", "closed_at"])
    dispute.payment = payment
    events.dispute_closed(dispute)


def _recover(creator_id: int, currency: str, cause: str) -> None:

    payouts.recover_transferred(creator_id, currency, cause=cause)
