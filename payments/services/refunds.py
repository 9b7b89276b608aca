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
from payments.providers.provider_errors import ProviderOutcomeUnknown
from payments.providers.provider_errors import ProviderUnavailable as ProviderNotReached
from payments.services import events, ledger, payouts, provider_outcomes, receipts
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
        result = provider.refund_payment(_refund_target(provider, locked), Money(value, locked.currency),
                                         f"refund:{created.public_id}", reason=_PROVIDER_REASONS.get(reason,
                                                                                                   "requested_by_customer"))
    except (ProviderNotReached, ProviderOutcomeUnknown, OSError) as exc:
        # Unknown outcome: the refund stays "created" (its amount reserved); reconcile asks again with the
        # same key, or the provider's refund webhook settles it. Never marked failed on a guess.
        logger.warning("refund %s: no answer from the provider: %s", created.public_id, exc)
        raise ProviderUnavailable(details={"refund_id": str(created.public_id)}) from exc
    except Exception as exc:
        if not provider_outcomes.refused(exc):  # a bug or an untranslated error: the outcome is unknown
            logger.warning("refund %s: unknown outcome: %s", created.public_id, exc)
            raise provider_outcomes.as_domain_error(exc, refund_id=str(created.public_id)) from exc
        logger.warning("refund %s refused by the provider: %s", created.public_id, exc)
        apply_refund_result(created, RefundResult("", "failed", Money(value, locked.currency)), actor=actor)
        raise
    done = apply_refund_result(created, result, actor=actor)
    after_refund(done)
    return done


def after_refund(refund_row: Refund) -> None:
    """A refund of a sale whose creator share was already transferred takes it back (Transfer reversal)."""
    if refund_row.status != Refund.Status.SUCCEEDED:
        return

    try:
        payouts.recover_transferred(refund_row.payment.creator_id, refund_row.currency,
                                    cause=f"refund:{refund_row.public_id}")
    except Exception:  # reconcile sweeps owed balances again; the refund itself is done
        logger.exception("transfer reversal after refund %s failed", refund_row.public_id)


def redrive(refund_row: Refund) -> Refund:
    """A refund whose provider answer was lost: ask again with its original key."""
    refuse_open_transaction("refund redrive")
    refund_row = Refund.objects.select_related("payment").get(pk=refund_row.pk)
    if refund_row.status != Refund.Status.CREATED:
        return refund_row
    payment = refund_row.payment
    provider = registry.get(payment.provider)
    if not getattr(provider, "refund_idempotent", True):
        return refund_row  # no idempotency key at this provider: its refund webhook decides
    result = provider.refund_payment(_refund_target(provider, payment), Money(refund_row.amount, refund_row.currency),
                                     f"refund:{refund_row.public_id}",
                                     reason=_PROVIDER_REASONS.get(refund_row.reason, "requested_by_customer"))
    done = apply_refund_result(refund_row, result)
    after_refund(done)
    return done


def _refund_target(provider: Any, payment: Payment) -> str:
    """What the provider refunds by: the payment (Stripe: the PaymentIntent) or the sale (CCBill)."""
    if getattr(provider, "refunds_by_charge_id", False):
        return payment.provider_charge_id or payment.provider_payment_id
    return payment.provider_payment_id


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


def record_provider_refund(payment: Payment, amount: int | None, provider_refund_id: str) -> Refund | None:
    """A refund the provider reports by postback (CCBill Refund/Void), without a re-fetch.

    Ours (requested through DataLink, which answers without an id) is matched by amount and marked
    with the provider's transaction; one made at the provider is recorded and posted. ``amount`` None
    (a void) means everything still refundable. Returns the refund to follow up, or None if already known."""
    if Refund.objects.filter(payment=payment, provider_refund_id=provider_refund_id).exists():
        return None
    with transaction.atomic():
        locked = _locked(payment.pk)
        unmatched = (locked.refunds.filter(status__in=[Refund.Status.CREATED, Refund.Status.PENDING,
                                                         Refund.Status.SUCCEEDED])
                     .exclude(provider_refund_id__startswith="ccbill_txn_").order_by("created_at", "pk"))
        if amount is not None:
            unmatched = unmatched.filter(amount=amount)
        ours = unmatched.first()
        if ours is not None:
            Refund.objects.filter(pk=ours.pk).update(provider_refund_id=provider_refund_id)
            if ours.status != Refund.Status.SUCCEEDED:
                ours.refresh_from_db()
                return apply_refund_result(ours, RefundResult(provider_refund_id, "succeeded",
                                                              Money(ours.amount, ours.currency)))
            return None
        value = locked.refundable.minor if amount is None else amount
        if value <= 0 or value > locked.refundable.minor or locked.status != PaymentStatus.SUCCEEDED:
            logger.warning("provider refund %s of %s does not fit payment %s", provider_refund_id, value,
                           locked.public_id)
            return None
        split = reversal_split(locked, value)
        apply_split(locked, split)
        locked.amount_refunded += value
        locked.save(update_fields=["amount_refunded", "tax_reversed", "fee_reversed", "creator_reversed",
                                   "updated_at"])
        row = Refund.objects.create(payment=locked, amount=value, tax_amount=split.tax, fee_amount=split.fee,
                                    creator_amount=split.creator, currency=locked.currency,
                                    reason="provider_initiated", idempotency_key=f"provider:{provider_refund_id}",
                                    provider_refund_id=provider_refund_id)
        return apply_refund_result(row, RefundResult(provider_refund_id, "succeeded", Money(value, locked.currency)))


def refund_failed_at_provider(refund_row: Refund, failure: str = "") -> Refund:
    """The provider reports that a refund failed after it had succeeded (Stripe: the card was closed;
    the money came back to the platform balance). The refund's posting is undone by a new posting
    (the creator's share goes back to wherever it sits now), the payment's reversed amounts are
    restored, a correcting sale record is written and products are told (REFUND_FAILED)."""
    with transaction.atomic():
        refund_row = Refund.objects.select_for_update().get(pk=refund_row.pk)
        if refund_row.status == Refund.Status.FAILED:
            return refund_row
        if refund_row.status != Refund.Status.SUCCEEDED:
            return apply_refund_result(refund_row, RefundResult(refund_row.provider_refund_id, "failed",
                                                                Money(refund_row.amount, refund_row.currency)))
        payment = _locked(refund_row.payment_id)
        currency = payment.currency
        split = Split(refund_row.tax_amount, refund_row.fee_amount, refund_row.creator_amount)
        tax_parts = tax_lines_share(payment, split.tax)
        legs = [ledger.credit(ledger.tax_payable(j, currency), Money(amount, currency)) for j, amount in tax_parts]
        if payment.escrow == EscrowState.REFUNDED:
            legs.append(ledger.credit(ledger.escrow(payment.creator_id, currency),
                                      Money(split.fee + split.creator, currency)))
            payment.escrow = EscrowState.HELD
        else:
            legs.append(ledger.credit(ledger.refunds(currency), Money(split.fee, currency)))
            legs.append(ledger.credit(creator_account(payment), Money(split.creator, currency)))
        legs.append(ledger.debit(ledger.clearing(currency), Money(refund_row.amount, currency)))
        ledger.post("refund_failed", legs, memo=f"refund failed at the provider {failure}"[:200],
                    source_type="refund", source_id=str(refund_row.pk))
        payment.amount_refunded -= refund_row.amount
        payment.tax_reversed -= split.tax
        payment.fee_reversed -= split.fee
        payment.creator_reversed -= split.creator
        payment.save(update_fields=["amount_refunded", "tax_reversed", "fee_reversed", "creator_reversed", "escrow",
                                    "updated_at"])
        SaleRecord.objects.create(
            payment=payment, buyer_id=payment.fan_id, country=payment.tax_country, region=payment.tax_region,
            evidence={"refund_failed": str(refund_row.public_id)}, currency=currency,
            net_amount=refund_row.amount - split.tax, tax_amount=split.tax,
            tax_lines=[{"jurisdiction": j, "amount": a} for j, a in tax_parts], engine="refund_failed",
        )
        refund_row.status = Refund.Status.FAILED
        refund_row.save(update_fields=["status"])
        audit.record(actor=None, action="payments.refund_failed", obj=payment,
                     details={"refund": str(refund_row.public_id), "amount": refund_row.amount,
                              "failure": failure[:100]})
        told = (payment.purpose, payment.reference, str(payment.public_id), str(refund_row.public_id))
        transaction.on_commit(lambda: hooks.notify(hooks.REFUND_FAILED, *told))
    return refund_row
