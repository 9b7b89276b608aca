"""Refunds (full or partial, with a reason code) and their ledger postings and credit notes."""

import logging
from typing import Any

from django.db import IntegrityError, transaction

from common.errors import ValidationFailed
from governance.services import audit
from payments import hooks
from payments.errors import IdempotencyConflict, InvalidAmount, ProviderUnavailable, RefundNotAllowed
from payments.models import EscrowState, Payment, PaymentStatus, Refund, SaleRecord
from payments.models.payments import ESCROW_TRANSITIONS, REFUND_TRANSITIONS
from payments.money import Money
from payments.providers import registry
from payments.providers.base import PaymentResult, RefundResult
from payments.services import events, ledger, receipts
from payments.services.guards import refuse_open_transaction
from payments.services.splits import Split, apply_split, reversal_split, tax_lines_share

logger = logging.getLogger("fansub.payments")

REFUND_REASONS = frozenset({"requested_by_customer", "duplicate", "fraudulent", "not_delivered", "goodwill"})
_PROVIDER_REASONS = {"duplicate": "duplicate", "fraudulent": "fraudulent"}


def ensure_refundable(payment: Payment, amount: int) -> None:
    if payment.status != PaymentStatus.SUCCEEDED or not payment.posted:
        raise RefundNotAllowed("Only a captured payment can be refunded.", details={"status": payment.status})
    if payment.disputes.filter(status="open").exists():
        raise RefundNotAllowed("This payment is disputed; the dispute decides where the money goes.")
    if amount <= 0 or amount > payment.refundable.minor:
        raise RefundNotAllowed(details={"refundable": payment.refundable.minor, "requested": amount})
    if payment.escrow == EscrowState.HELD and amount != payment.refundable.minor:
        raise RefundNotAllowed("Funds held in escrow are refunded in full or released.")


def _locked(payment_id: int) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).select_related("fan", "creator").get(pk=payment_id)


def _existing(idempotency_key: str, payment: Payment, amount: Money | None, reason: str) -> Refund | None:
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    same = existing.payment_id == payment.pk and existing.reason == reason and (
        amount is None or (amount.minor == existing.amount and amount.currency == existing.currency))
    if not same:
        raise IdempotencyConflict(details={"refund_id": str(existing.public_id)})
    return existing


def refund(payment: Payment, amount: Money | None, reason: str, *, actor: Any = None, idempotency_key: str,
           note: str = "") -> Refund:
    """Refund ``amount`` (None: everything still refundable). ``note`` goes to the audit log only."""
    refuse_open_transaction("refund")
    if reason not in REFUND_REASONS:
        raise ValidationFailed(details={"reason": [f"one of {sorted(REFUND_REASONS)}"]})
    if not idempotency_key:
        raise ValidationFailed(details={"idempotency_key": ["required"]})
    if amount is not None and (not isinstance(amount, Money) or amount.currency != payment.currency):
        raise InvalidAmount(details={"currency": payment.currency})
    existing = _existing(idempotency_key, payment, amount, reason)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = _locked(payment.pk)
            value = amount.minor if amount is not None else locked.refundable.minor
            ensure_refundable(locked, value)
            split = reversal_split(locked, value)
            # Reserve now, under the lock: two concurrent refunds can never exceed the payment.
            apply_split(locked, split)
            locked.amount_refunded += value
            locked.save(update_fields=["amount_refunded", "tax_reversed", "fee_reversed", "creator_reversed",
                                       "updated_at"])
            created = Refund.objects.create(
                payment=locked, amount=value, tax_amount=split.tax, fee_amount=split.fee, creator_amount=split.creator,
                currency=locked.currency, reason=reason, idempotency_key=idempotency_key,
                requested_by=actor if getattr(actor, "pk", None) else None,
            )
            audit.record(actor=actor, action="payments.refund_requested", obj=locked, reason=note,
                         details={"refund": str(created.public_id), "amount": value, "reason_code": reason})
    except IntegrityError:
        existing = _existing(idempotency_key, payment, amount, reason)
        return existing or Refund.objects.get(idempotency_key=idempotency_key)
    provider = registry.get(locked.provider)
    try:
        result = provider.refund_payment(locked.provider_payment_id, Money(value, locked.currency),
                                         f"refund:{created.public_id}", reason=_PROVIDER_REASONS.get(reason,
                                                                                                   "requested_by_customer"))
    except Exception as exc:
        logger.warning("refund %s failed at the provider: %s", created.public_id, exc)
        apply_refund_result(created, RefundResult("", "failed", Money(value, locked.currency)), actor=actor)
        raise ProviderUnavailable(details={"refund_id": str(created.public_id)}) from exc
    return apply_refund_result(created, result, actor=actor)


def apply_refund_result(refund_row: Refund, result: RefundResult, *, actor: Any = None) -> Refund:
    with transaction.atomic():
        refund_row = Refund.objects.select_for_update().get(pk=refund_row.pk)
        if refund_row.status in {Refund.Status.SUCCEEDED, Refund.Status.FAILED}:
            return refund_row
        refund_row.provider_refund_id = refund_row.provider_refund_id or result.provider_refund_id
        if result.status == "succeeded":
            REFUND_TRANSITIONS.check(refund_row.status, Refund.Status.SUCCEEDED)
            _post(refund_row, actor)
            refund_row.status = Refund.Status.SUCCEEDED
        elif result.status == "failed":
            REFUND_TRANSITIONS.check(refund_row.status, Refund.Status.FAILED)
            payment = _locked(refund_row.payment_id)
            payment.amount_refunded -= refund_row.amount
            payment.tax_reversed -= refund_row.tax_amount
            payment.fee_reversed -= refund_row.fee_amount
            payment.creator_reversed -= refund_row.creator_amount
            payment.save(update_fields=["amount_refunded", "tax_reversed", "fee_reversed", "creator_reversed",
                                        "updated_at"])
            refund_row.status = Refund.Status.FAILED
        else:
            REFUND_TRANSITIONS.move(refund_row, Refund.Status.PENDING)
        refund_row.save(update_fields=["status", "provider_refund_id"])
    return refund_row


def creator_account(payment: Payment) -> ledger.AccountKey:
    """Where the creator's share of this payment sits now: pending until released, then available."""
    if payment.released_at is None:
        return ledger.creator_pending(payment.creator_id, payment.currency)
    return ledger.creator_available(payment.creator_id, payment.currency)


def reversal_legs(payment: Payment, split: Split, tax_parts: list[tuple[str, int]]) -> list[ledger.Leg]:
    """Debits that take back a refund's or a lost dispute's parts (the caller adds the credit)."""
    currency = payment.currency
    legs = [ledger.debit(ledger.tax_payable(j, currency), Money(amount, currency)) for j, amount in tax_parts]
    if payment.escrow == EscrowState.HELD:
        legs.append(ledger.debit(ledger.escrow(payment.creator_id, currency), Money(split.fee + split.creator,
                                                                                     currency)))
    else:
        legs.append(ledger.debit(ledger.refunds(currency), Money(split.fee, currency)))
        legs.append(ledger.debit(creator_account(payment), Money(split.creator, currency)))
    return legs


def _post(refund_row: Refund, actor: Any) -> None:
    payment = _locked(refund_row.payment_id)
    split = Split(refund_row.tax_amount, refund_row.fee_amount, refund_row.creator_amount)
    tax_parts = tax_lines_share(payment, split.tax)
    legs = reversal_legs(payment, split, tax_parts)
    legs.append(ledger.credit(ledger.clearing(payment.currency), Money(refund_row.amount, payment.currency)))
    ledger.post("refund", legs, memo=f"refund {refund_row.reason}", source_type="refund", source_id=str(refund_row.pk))
    if payment.escrow == EscrowState.HELD:
        ESCROW_TRANSITIONS.move(payment, EscrowState.REFUNDED, field="escrow")
        payment.save(update_fields=["escrow", "updated_at"])
    SaleRecord.objects.create(
        payment=payment, refund=refund_row, buyer_id=payment.fan_id, country=payment.tax_country,
        region=payment.tax_region, evidence={"credit_note_for": str(payment.public_id)}, currency=payment.currency,
        net_amount=-(refund_row.amount - split.tax), tax_amount=-split.tax,
        tax_lines=[{"jurisdiction": j, "amount": -a} for j, a in tax_parts], engine="credit_note",
    )
    note = receipts.issue_credit_note(refund_row, split, tax_parts)
    reversed_ = (payment.purpose, payment.reference, str(payment.public_id),
                 payment.amount_refunded + payment.amount_charged_back >= payment.amount)
    transaction.on_commit(lambda: hooks.notify(hooks.PAYMENT_REVERSED, *reversed_))
    refund_row.payment = payment
    events.refunded(refund_row, actor)
    audit.record(actor=actor, action="payments.refunded", obj=payment,
                 details={"refund": str(refund_row.public_id), "amount": refund_row.amount,
                          "credit_note": note.number})


def sync_from_provider(payment: Payment, result: PaymentResult) -> None:
    """charge.refunded / reconcile: settle pending refunds and record refunds made at the provider."""
    if result.amount_refunded is None:
        return
    provider_total = result.amount_refunded.minor
    # Only refunds the provider acknowledged as pending; "created" ones are still waiting for their answer.
    for pending in payment.refunds.filter(status=Refund.Status.PENDING):
        if provider_total >= payment.amount_refunded:
            apply_refund_result(pending, RefundResult(pending.provider_refund_id, "succeeded",
                                                      Money(pending.amount, pending.currency)))
    payment.refresh_from_db()
    missing = provider_total - payment.amount_refunded
    if missing > 0:
        key = f"provider:{payment.provider_payment_id}:{provider_total}"
        with transaction.atomic():
            locked = _locked(payment.pk)
            missing = provider_total - locked.amount_refunded
            if missing <= 0 or Refund.objects.filter(idempotency_key=key).exists():
                return
            missing = min(missing, locked.refundable.minor)
            if missing <= 0:
                return
            split = reversal_split(locked, missing)
            apply_split(locked, split)
            locked.amount_refunded += missing
            locked.save(update_fields=["amount_refunded", "tax_reversed", "fee_reversed", "creator_reversed",
                                       "updated_at"])
            row = Refund.objects.create(payment=locked, amount=missing, tax_amount=split.tax, fee_amount=split.fee,
                                        creator_amount=split.creator, currency=locked.currency,
                                        reason="provider_initiated", idempotency_key=key)
            apply_refund_result(row, RefundResult("", "succeeded", Money(missing, locked.currency)))
