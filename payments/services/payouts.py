"""Creator balances (pending -> available after PAYOUT_HOLD_DAYS) and payouts.

Ledger: a payout moves the creator's available balance into "payouts in transit" when it is sent;
paid takes it out of the processor balance (clearing); failed puts it back to available; a
transfer reversed after payment brings the money back to clearing and to the creator's balance.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import InvalidTransition
from governance.services import audit
from payments import hooks
from payments.errors import PayoutNotAllowed, ProviderUnavailable
from payments.models import AccountType, ConnectedAccount, EscrowState, LedgerAccount, Payment, PaymentStatus, Payout
from payments.models.payouts import PAYOUT_TRANSITIONS
from payments.money import Money
from payments.providers import registry
from payments.providers.base import PayoutResult
from payments.services import events, ledger
from payments.services.guards import refuse_open_transaction

logger = logging.getLogger("fansub.payments")


# --- balances -----------------------------------------------------------------------------------
def release_pending(now: Any = None, *, limit: int = 1000) -> int:
    """Move each captured payment's remaining creator share from pending to available once it has
    been held PAYOUT_HOLD_DAYS (the refund/dispute window the platform covers). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PAYOUT_HOLD_DAYS)
    due = (Payment.objects.filter(status=PaymentStatus.SUCCEEDED, posted=True, released_at__isnull=True,
                                  succeeded_at__lte=cutoff)
           .exclude(escrow=EscrowState.HELD).values_list("pk", flat=True)[:limit])
    released = 0
    for payment_id in list(due):
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            if payment.released_at is not None or payment.escrow == EscrowState.HELD:
                continue
            if payment.escrow == EscrowState.REFUNDED:
                payment.released_at = timezone.now()
                payment.save(update_fields=["released_at", "updated_at"])
                continue
            remaining = payment.creator_amount - payment.creator_reversed
            if remaining > 0:
                money = Money(remaining, payment.currency)
                ledger.post("release", [
                    ledger.debit(ledger.creator_pending(payment.creator_id, payment.currency), money),
                    ledger.credit(ledger.creator_available(payment.creator_id, payment.currency), money),
                ], memo="hold period over", source_type="payment", source_id=str(payment.pk))
            payment.released_at = timezone.now()
            payment.save(update_fields=["released_at", "updated_at"])
            released += 1
    return released


def available_balance(creator: Any, currency: str) -> Money:
    return ledger.normal_balance(ledger.creator_available(creator.pk, currency))


def pending_balance(creator: Any, currency: str) -> Money:
    return ledger.normal_balance(ledger.creator_pending(creator.pk, currency))


# --- connected accounts ------------------------------------------------------------------------
def connect_account(creator: Any, provider: str, account_ref: str, *, actor: Any = None) -> ConnectedAccount:
    with transaction.atomic():
        account, _ = ConnectedAccount.objects.get_or_create(provider=provider, account_ref=account_ref,
                                                            defaults={"creator": creator})
        if account.creator_id != creator.pk:
            raise PayoutNotAllowed("This payout account belongs to someone else.")
        audit.record(actor=actor or creator, action="payments.account_connected", obj=account)
    return account


def update_account_status(account: ConnectedAccount, *, charges_enabled: bool, payouts_enabled: bool) -> None:
    """account.updated: record the provider's view and tell fansub whether payouts can be made."""
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        changed = account.payouts_enabled != payouts_enabled or account.charges_enabled != charges_enabled
        account.charges_enabled, account.payouts_enabled = charges_enabled, payouts_enabled
        account.save(update_fields=["charges_enabled", "payouts_enabled", "updated_at"])
        if changed:
            audit.record(actor=None, action="payments.account_updated", obj=account,
                         details={"charges_enabled": charges_enabled, "payouts_enabled": payouts_enabled})
        hooks.notify(hooks.PAYOUT_READINESS_CHANGED, account.creator, payouts_enabled)


# --- payouts ------------------------------------------------------------------------------------
def create_payout(creator: Any, currency: str, *, actor: Any = None, retry_of: Payout | None = None) -> Payout:
    """Pay out the creator's whole available balance (at least PAYOUT_MINIMUM_MINOR)."""
    refuse_open_transaction("create_payout")
    account = ConnectedAccount.objects.filter(creator=creator, payouts_enabled=True).order_by("-updated_at").first()
    if account is None:
        raise PayoutNotAllowed("No payout account is ready.", details={"reason": "no_ready_account"})
    with transaction.atomic():
        locked = LedgerAccount.objects.select_for_update().filter(
            type=AccountType.CREATOR_AVAILABLE, owner=creator, currency=currency).first()
        amount = -locked.balance if locked else 0
        if amount < settings.PAYOUT_MINIMUM_MINOR:
            raise PayoutNotAllowed("The available balance is below the payout minimum.",
                                   details={"available": amount, "minimum": settings.PAYOUT_MINIMUM_MINOR})
        payout = Payout.objects.create(creator=creator, account=account, amount=amount, currency=currency,
                                       attempt=(retry_of.attempt + 1) if retry_of else 1, retry_of=retry_of)
        money = Money(amount, currency)
        ledger.post("payout", [ledger.debit(ledger.creator_available(creator.pk, currency), money),
                               ledger.credit(ledger.payouts_in_transit(currency), money)],
                    memo="payout sent", source_type="payout", source_id=str(payout.pk))
        audit.record(actor=actor, action="payments.payout_created", obj=payout, details={"amount": amount})
    try:
        result = registry.get(account.provider).create_payout(account.account_ref, money, f"payout:{payout.public_id}")
    except Exception as exc:
        logger.warning("payout %s: provider error %s", payout.public_id, exc)
        raise ProviderUnavailable(details={"payout_id": str(payout.public_id)}) from exc
    return apply_payout_result(payout, result)


def apply_payout_result(payout: Payout, result: PayoutResult) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        payout.provider_payout_id = payout.provider_payout_id or result.provider_payout_id
        target = {"paid": Payout.Status.PAID, "failed": Payout.Status.FAILED, "canceled": Payout.Status.FAILED,
                  "in_transit": Payout.Status.IN_TRANSIT, "pending": Payout.Status.IN_TRANSIT}[result.status]
        reversed_ = payout.status == Payout.Status.PAID and result.failure_code == "reversed"
        if reversed_:
            target = Payout.Status.REVERSED
        if target != payout.status:
            PAYOUT_TRANSITIONS.check(payout.status, target)
            money = Money(payout.amount, payout.currency)
            in_transit = ledger.payouts_in_transit(payout.currency)
            available = ledger.creator_available(payout.creator_id, payout.currency)
            clearing = ledger.clearing(payout.currency)
            if target == Payout.Status.PAID:
                ledger.post("payout_paid", [ledger.debit(in_transit, money), ledger.credit(clearing, money)],
                            source_type="payout", source_id=str(payout.pk))
                events.payout_paid(payout)
            elif target == Payout.Status.FAILED:
                if payout.status == Payout.Status.PAID:  # returned by the bank after it was paid
                    legs = [ledger.debit(clearing, money), ledger.credit(available, money)]
                else:
                    legs = [ledger.debit(in_transit, money), ledger.credit(available, money)]
                ledger.post("payout_failed", legs, source_type="payout", source_id=str(payout.pk))
                payout.failure_code = (result.failure_code or "failed")[:60]
                events.payout_failed(payout)
            elif target == Payout.Status.REVERSED:
                ledger.post("transfer_reversed", [ledger.debit(clearing, money), ledger.credit(available, money)],
                            source_type="payout", source_id=str(payout.pk))
                payout.failure_code = "reversed"
                events.payout_failed(payout)
            payout.status = target
        payout.save()
    return payout


def retry_payout(payout: Payout, *, actor: Any = None) -> Payout:
    if payout.status != Payout.Status.FAILED or hasattr(payout, "retried_by"):
        raise InvalidTransition("Only a failed payout that was not retried yet can be retried.",
                                details={"machine": "payout", "from": payout.status, "to": "retry"})
    return create_payout(payout.creator, payout.currency, actor=actor, retry_of=payout)


def payout_run(*, actor: Any = None) -> dict[str, int]:
    """Beat / admin: pay every creator with a ready account and an available balance over the minimum."""
    release_pending()
    done = {"paid": 0, "failed": 0, "skipped": 0}
    candidates = (LedgerAccount.objects.filter(type=AccountType.CREATOR_AVAILABLE,
                                               balance__lte=-settings.PAYOUT_MINIMUM_MINOR,
                                               owner__payout_accounts__payouts_enabled=True)
                  .values_list("owner_id", "currency").distinct())
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([owner for owner, _ in candidates])
    for owner_id, currency in candidates:
        try:
            payout = create_payout(users[owner_id], currency, actor=actor)
        except (PayoutNotAllowed, ProviderUnavailable):
            done["skipped"] += 1
            continue
        done["paid" if payout.status == Payout.Status.PAID else "failed"] += 1
    return done
