"""Creator balances (pending -> available after PAYOUT_HOLD_DAYS), connected accounts, payouts and
transfer reversals.

Connect model: separate charges and transfers. With Stripe a payout is ONE Transfer from the platform
balance to the creator's connected account (key ``payout:<payout public id>``); the account's own
schedule pays their bank. With the simulator it is the simulator's payout.

Ledger: a payout moves the creator's available balance into "payouts in transit" when it is written
ahead; paid takes it out of the processor balance (clearing); failed puts it back to available. A
refund or lost dispute after the share was transferred leaves the available balance owing (a debit);
a transfer reversal brings that much back: debit clearing, credit the creator's available balance.
A payout or reversal whose answer was lost is re-sent with its own key (retry_payout, reconcile).
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
from payments.models import (
    AccountType,
    ConnectedAccount,
    EscrowState,
    LedgerAccount,
    Payment,
    PaymentStatus,
    Payout,
    TransferReversal,
)
from payments.models.payouts import PAYOUT_TRANSITIONS, REVERSAL_TRANSITIONS
from payments.money import Money
from payments.providers import registry
from payments.providers.base import PayoutResult
from payments.providers.provider_errors import ProviderRequestRejected
from payments.services import events, ledger, provider_outcomes
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


def update_account_status(account: ConnectedAccount, *, charges_enabled: bool, payouts_enabled: bool,
                          details_submitted: bool | None = None, currently_due: Any = None,
                          disabled_reason: str | None = None) -> ConnectedAccount:
    """account.updated: record the provider's view (readiness and what it still requires) and tell
    fansub whether payouts can be made."""
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        due = sorted(str(item)[:100] for item in (currently_due or ()))
        before = (account.charges_enabled, account.payouts_enabled, account.details_submitted,
                  account.requirements_due, account.disabled_reason)
        account.charges_enabled, account.payouts_enabled = charges_enabled, payouts_enabled
        if details_submitted is not None:
            account.details_submitted = details_submitted
        if currently_due is not None:
            account.requirements_due = due
        account.disabled_reason = (disabled_reason or "")[:100]
        account.save(update_fields=["charges_enabled", "payouts_enabled", "details_submitted", "requirements_due",
                                    "disabled_reason", "updated_at"])
        after = (account.charges_enabled, account.payouts_enabled, account.details_submitted,
                 account.requirements_due, account.disabled_reason)
        if before != after:
            audit.record(actor=None, action="payments.account_updated", obj=account,
                         details={"charges_enabled": charges_enabled, "payouts_enabled": payouts_enabled,
                                  "currently_due": account.requirements_due})
        hooks.notify(hooks.PAYOUT_READINESS_CHANGED, account.creator, payouts_enabled)
    return account


def onboarding_link(creator: Any, *, refresh_url: str, return_url: str, provider: str = "stripe",
                    country: str = "US") -> str:
    """The provider-hosted onboarding (Account Link) URL for ``creator``'s connected account, creating
    the account on first use. Single-use and short-lived: call it when the creator clicks."""
    refuse_open_transaction("onboarding_link")
    gateway = registry.get(provider)
    create_account = getattr(gateway, "create_connected_account", None)
    create_link = getattr(gateway, "create_onboarding_link", None)
    if create_account is None or create_link is None:
        raise PayoutNotAllowed("This provider has no hosted onboarding.", details={"provider": provider})
    account = ConnectedAccount.objects.filter(creator=creator, provider=provider).order_by("pk").first()
    if account is None:
        try:
            # Keyed by the creator's id: a retried click never opens a second account.
            ref = create_account(f"creator:{creator.pk}", f"connect-account:{creator.pk}", country=country)
        except Exception as exc:
            raise provider_outcomes.as_domain_error(exc, creator=creator.pk) from exc
        account = connect_account(creator, provider, ref, actor=creator)
    # A link is single-use: every click needs a new one, so the key carries the moment it was asked for.
    key = f"account-link:{account.pk}:{timezone.now().strftime('%Y%m%d%H%M%S%f')}"
    try:
        return create_link(account.account_ref, refresh_url, return_url, key)
    except Exception as exc:
        raise provider_outcomes.as_domain_error(exc, account=account.pk) from exc


# --- payouts ------------------------------------------------------------------------------------
def create_payout(creator: Any, currency: str, *, actor: Any = None, retry_of: Payout | None = None) -> Payout:
    """Pay out the creator's whole available balance (at least PAYOUT_MINIMUM_MINOR)."""
    refuse_open_transaction("create_payout")
    if hooks.ask(hooks.PAYOUTS_BLOCKED, creator):
        raise PayoutNotAllowed("Payouts of this account are on hold pending review.", details={"reason": "on_hold"})
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
    return _drive(payout)


def _drive(payout: Payout) -> Payout:
    """Send (or re-send) a written-ahead payout. The key is built from the local id, so asking again
    after a lost answer returns the first transfer instead of paying twice."""
    account = payout.account
    money = Money(payout.amount, payout.currency)
    try:
        result = registry.get(account.provider).create_payout(account.account_ref, money, f"payout:{payout.public_id}")
    except ProviderRequestRejected as exc:
        # A definite refusal (not enough platform balance, the account cannot receive transfers): the
        # payout fails, the money is the creator's available balance again, and Finance can retry it.
        logger.warning("payout %s refused by the provider: %s", payout.public_id, exc)
        code = str((exc.details or {}).get("stripe_code") or "rejected")
        return apply_payout_result(payout, PayoutResult("", "failed", money, failure_code=code))
    except Exception as exc:  # the payout stays in transit, written ahead: reconcile re-drives it with its key
        logger.warning("payout %s: provider error %s", payout.public_id, exc)
        raise provider_outcomes.as_domain_error(exc, payout_id=str(payout.public_id)) from exc
    return apply_payout_result(payout, result)


def redrive_payout(payout: Payout) -> Payout:
    """A payout whose provider answer was lost (still "created", no provider id): ask again, same key."""
    refuse_open_transaction("redrive_payout")
    payout = Payout.objects.select_related("account").get(pk=payout.pk)
    if payout.status != Payout.Status.CREATED or payout.provider_payout_id:
        raise InvalidTransition("Only a payout still waiting for the provider's first answer can be re-sent.",
                                details={"machine": "payout", "from": payout.status, "to": "redrive"})
    return _drive(payout)


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
                creator, public_id = payout.creator, str(payout.public_id)
                transaction.on_commit(lambda: hooks.notify(hooks.PAYOUT_PAID, creator, money, public_id))
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
    """A failed payout gets a new attempt; one whose answer was lost is re-sent with its own key."""
    payout.refresh_from_db()
    if payout.status == Payout.Status.CREATED and not payout.provider_payout_id:
        audit.record(actor=actor, action="payments.payout_redriven", obj=payout)
        return redrive_payout(payout)
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


# --- transfer reversals -------------------------------------------------------------------------
def _reverser(payout: Payout) -> Any:
    return getattr(registry.get(payout.account.provider), "reverse_payout_transfer", None)


def recover_transferred(creator: Any, currency: str, *, cause: str) -> list[TransferReversal]:
    """A refund or lost dispute after the creator's share was transferred leaves their available
    balance owing (a debit). Take that much back from their most recent transfers (Transfer
    reversal), write-ahead, each keyed ``transfer-reversal:<local id>``. Safe to call repeatedly:
    the debt is read under the balance's row lock and net of reversals still in flight."""
    refuse_open_transaction("recover_transferred")
    creator_id = getattr(creator, "pk", creator)
    created: list[TransferReversal] = []
    with transaction.atomic():
        balance = LedgerAccount.objects.select_for_update().filter(
            type=AccountType.CREATOR_AVAILABLE, owner_id=creator_id, currency=currency).first()
        in_flight = sum(TransferReversal.objects.filter(
            payout__creator_id=creator_id, currency=currency, status=TransferReversal.Status.CREATED,
        ).values_list("amount", flat=True))
        owed = (balance.balance if balance else 0) - in_flight  # debit balance = the creator owes
        if owed <= 0:
            return []
        paid = (Payout.objects.select_for_update().select_related("account")
                .filter(creator_id=creator_id, currency=currency, status=Payout.Status.PAID)
                .exclude(provider_payout_id="").order_by("-created_at", "-pk"))
        for payout in paid:
            room = payout.amount - payout.amount_reversed
            if owed <= 0:
                break
            if room <= 0 or _reverser(payout) is None:
                continue
            take = min(room, owed)
            payout.amount_reversed += take  # reserved now; released again if the provider refuses
            payout.save(update_fields=["amount_reversed", "updated_at"])
            created.append(TransferReversal.objects.create(payout=payout, amount=take, currency=currency,
                                                           cause=cause[:80]))
            owed -= take
    return [drive_reversal(row) for row in created]


def drive_reversal(row: TransferReversal) -> TransferReversal:
    """Send (or re-send, same key) a written-ahead transfer reversal and apply the answer."""
    row = TransferReversal.objects.select_related("payout__account").get(pk=row.pk)
    if row.status != TransferReversal.Status.CREATED:
        return row
    reverse = _reverser(row.payout)
    if reverse is None:
        return row
    try:
        result = reverse(row.payout.provider_payout_id, Money(row.amount, row.currency),
                         f"transfer-reversal:{row.public_id}")
    except ProviderRequestRejected as exc:
        return _finish_reversal(row, None, failure=str(exc)[:200])
    except Exception as exc:  # unknown outcome: stays "created" for reconcile, same key
        logger.warning("transfer reversal %s: provider error %s", row.public_id, exc)
        return row
    return _finish_reversal(row, result.provider_reversal_id)


def _lock_owed(creator_id: int, currency: str) -> None:
    """Lock order for reversals: the creator's available balance first, then payouts and reversals
    (as recover_transferred does), so two of them can never deadlock."""
    list(LedgerAccount.objects.select_for_update().filter(type=AccountType.CREATOR_AVAILABLE, owner_id=creator_id,
                                                          currency=currency).values_list("pk", flat=True))


def _finish_reversal(row: TransferReversal, provider_reversal_id: str | None, *, failure: str = "") -> TransferReversal:
    with transaction.atomic():
        _lock_owed(row.payout.creator_id, row.currency)
        row = TransferReversal.objects.select_for_update().get(pk=row.pk)
        if row.status != TransferReversal.Status.CREATED:
            return row
        payout = Payout.objects.select_for_update().get(pk=row.payout_id)
        if provider_reversal_id is None:
            payout.amount_reversed -= row.amount
            payout.save(update_fields=["amount_reversed", "updated_at"])
            REVERSAL_TRANSITIONS.move(row, TransferReversal.Status.FAILED)
            row.failure_message = failure
        else:
            _post_reversal(payout, row.amount, source_id=str(row.pk))
            REVERSAL_TRANSITIONS.move(row, TransferReversal.Status.SUCCEEDED)
            row.provider_reversal_id = provider_reversal_id
        row.save(update_fields=["status", "provider_reversal_id", "failure_message", "updated_at"])
        audit.record(actor=None, action="payments.transfer_reversal", obj=payout,
                     details={"reversal": str(row.public_id), "amount": row.amount, "status": row.status,
                              "cause": row.cause})
    return row


def _post_reversal(payout: Payout, amount: int, *, source_id: str) -> None:
    money = Money(amount, payout.currency)
    # The money comes back to the platform's processor balance and settles what the creator owed.
    ledger.post("transfer_reversal", [ledger.debit(ledger.clearing(payout.currency), money),
                                      ledger.credit(ledger.creator_available(payout.creator_id, payout.currency),
                                                    money)],
                memo=f"transfer reversal of payout {payout.public_id}", source_type="transfer_reversal",
                source_id=source_id)


def sync_reversals(payout: Payout) -> int:
    """transfer.reversed / reconcile: record reversals made at the provider that we did not ask for
    (e.g. in its dashboard), and settle ours whose answer was lost. Returns how many were recorded."""
    listing = getattr(registry.get(payout.account.provider), "list_transfer_reversals", None)
    if listing is None or not payout.provider_payout_id:
        return 0
    recorded = 0
    for reversal in listing(payout.provider_payout_id):
        with transaction.atomic():
            _lock_owed(payout.creator_id, payout.currency)
            locked = Payout.objects.select_for_update().get(pk=payout.pk)
            if TransferReversal.objects.filter(provider_reversal_id=reversal.provider_reversal_id).exists():
                continue
            ours = (reversal.raw.get("metadata") or {}).get("local_reversal") if reversal.raw else None
            pending = (TransferReversal.objects.filter(payout=locked, status=TransferReversal.Status.CREATED,
                                                       public_id=ours).first() if ours else None)
            if pending is not None:
                _post_reversal(locked, pending.amount, source_id=str(pending.pk))
                REVERSAL_TRANSITIONS.move(pending, TransferReversal.Status.SUCCEEDED)
                pending.provider_reversal_id = reversal.provider_reversal_id
                pending.save(update_fields=["status", "provider_reversal_id", "updated_at"])
            else:
                amount = min(reversal.amount.minor, locked.amount - locked.amount_reversed)
                if amount <= 0:
                    continue
                row = TransferReversal.objects.create(payout=locked, amount=amount, currency=locked.currency,
                                                      cause="provider", status=TransferReversal.Status.SUCCEEDED,
                                                      provider_reversal_id=reversal.provider_reversal_id)
                locked.amount_reversed += amount
                locked.save(update_fields=["amount_reversed", "updated_at"])
                _post_reversal(locked, amount, source_id=str(row.pk))
            recorded += 1
    return recorded
