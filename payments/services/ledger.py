"""Posting to the double-entry ledger: the only code that writes ledger rows.

Every posting is checked here (each currency sums to zero, every account has the leg's currency)
and again by the database on PostgreSQL (a deferred constraint trigger, see migration 0002).
Cached balances are changed in the same transaction as the entries, under row locks taken in id
order so two postings that touch the same accounts cannot deadlock.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from payments.errors import LedgerAlreadyReversed, LedgerUnbalanced
from payments.models import AccountType, LedgerAccount, LedgerEntry, LedgerTransaction
from payments.models.ledger import OWNED_TYPES
from payments.money import Money


@dataclass(frozen=True, slots=True)
class AccountKey:
    type: str
    currency: str
    owner_id: int | None = None
    jurisdiction: str = ""

    def __post_init__(self) -> None:
        if (self.type in OWNED_TYPES) != (self.owner_id is not None):
            raise ValueError(f"{self.type} accounts {'need' if self.type in OWNED_TYPES else 'take no'} owner")
        if bool(self.jurisdiction) != (self.type == AccountType.TAX_PAYABLE):
            raise ValueError("tax_payable accounts, and only they, are keyed by jurisdiction")


@dataclass(frozen=True, slots=True)
class Leg:
    account: AccountKey
    amount: int  # debit +, credit -


def debit(account: AccountKey, money: Money) -> Leg:
    return Leg(account, money.minor)


def credit(account: AccountKey, money: Money) -> Leg:
    return Leg(account, -money.minor)


# --- account keys -------------------------------------------------------------------------
def clearing(currency: str) -> AccountKey:
    return AccountKey(AccountType.FAN_CLEARING, currency)


def creator_pending(creator_id: int, currency: str) -> AccountKey:
    return AccountKey(AccountType.CREATOR_PENDING, currency, creator_id)


def creator_available(creator_id: int, currency: str) -> AccountKey:
    return AccountKey(AccountType.CREATOR_AVAILABLE, currency, creator_id)


def escrow(creator_id: int, currency: str) -> AccountKey:
    return AccountKey(AccountType.ESCROW, currency, creator_id)


def platform_revenue(currency: str) -> AccountKey:
    return AccountKey(AccountType.PLATFORM_REVENUE, currency)


def tax_payable(jurisdiction: str, currency: str) -> AccountKey:
    return AccountKey(AccountType.TAX_PAYABLE, currency, jurisdiction=jurisdiction)


def processor_fees(currency: str) -> AccountKey:
    return AccountKey(AccountType.PROCESSOR_FEES, currency)


def refunds(currency: str) -> AccountKey:
    return AccountKey(AccountType.REFUNDS, currency)


def disputes(currency: str) -> AccountKey:
    return AccountKey(AccountType.DISPUTES, currency)


def payouts_in_transit(currency: str) -> AccountKey:
    return AccountKey(AccountType.PAYOUTS_IN_TRANSIT, currency)


# --- posting ------------------------------------------------------------------------------
def check_balanced(legs: Iterable[Leg]) -> None:
    totals: dict[str, int] = defaultdict(int)
    count = 0
    for leg in legs:
        totals[leg.account.currency] += leg.amount
        count += 1
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced or count < 2:
        raise LedgerUnbalanced(details={"unbalanced": unbalanced, "legs": count})


def _key_filter(key: AccountKey) -> Q:
    return Q(type=key.type, currency=key.currency, owner_id=key.owner_id, jurisdiction=key.jurisdiction)


_LOCK_SQL = (
    "SELECT id, type, currency, owner_id, jurisdiction, balance FROM payments_ledgeraccount "
    "WHERE type IN ({types}) AND currency IN ({currencies}) AND jurisdiction IN ({jurisdictions}) "
    "AND (owner_id IS NULL{owners}) ORDER BY id{for_update}"
)


def _lock_accounts(keys: set[AccountKey]) -> dict[AccountKey, list[int]]:
    """Lock the rows of ``keys`` (creating missing ones) in id order: {key: [id, cached balance]}.

    Raw SQL on purpose: this runs for every money movement and the ORM's query building was most
    of its cost. The filter is a superset of the keys (rarely more rows than needed)."""
    def select() -> dict[AccountKey, list[int]]:
        types = sorted({k.type for k in keys})
        currencies = sorted({k.currency for k in keys})
        jurisdictions = sorted({k.jurisdiction for k in keys})
        owners = sorted({k.owner_id for k in keys if k.owner_id is not None})
        sql = _LOCK_SQL.format(
            types=", ".join(["%s"] * len(types)), currencies=", ".join(["%s"] * len(currencies)),
            jurisdictions=", ".join(["%s"] * len(jurisdictions)),
            owners=f" OR owner_id IN ({', '.join(['%s'] * len(owners))})" if owners else "",
            for_update=" FOR UPDATE" if connection.features.has_select_for_update else "",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*types, *currencies, *jurisdictions, *owners])
            rows = cursor.fetchall()
        return {AccountKey(t, c, o, j): [pk, balance] for pk, t, c, o, j, balance in rows
                if AccountKey(t, c, o, j) in keys}

    found = select()
    missing = keys - found.keys()
    if missing:
        for key in sorted(missing, key=repr):
            try:
                with transaction.atomic():
                    LedgerAccount.objects.create(type=key.type, currency=key.currency, owner_id=key.owner_id,
                                                 jurisdiction=key.jurisdiction)
            except IntegrityError:
                pass  # created concurrently: the select below locks the winner's row
        found = select()
    return found


@transaction.atomic
def post(kind: str, legs: list[Leg], *, memo: str = "", source_type: str = "", source_id: str = "",
         reverses: LedgerTransaction | None = None) -> LedgerTransaction:
    legs = [leg for leg in legs if leg.amount != 0]
    check_balanced(legs)
    accounts = _lock_accounts({leg.account for leg in legs})
    txn = LedgerTransaction.objects.create(kind=kind, memo=memo[:200], source_type=source_type,
                                           source_id=str(source_id), reverses=reverses)
    LedgerEntry.objects.bulk_create([
        LedgerEntry(transaction=txn, account_id=accounts[leg.account][0], amount=leg.amount,
                    currency=leg.account.currency)
        for leg in legs
    ])
    deltas: dict[AccountKey, int] = defaultdict(int)
    for leg in legs:
        deltas[leg.account] += leg.amount
    updates = [(delta, accounts[key][0]) for key, delta in deltas.items() if delta]
    with connection.cursor() as cursor:
        # The rows are locked above, so "balance + delta" and the entries commit together.
        cursor.executemany("UPDATE payments_ledgeraccount SET balance = balance + %s WHERE id = %s", updates)
    return txn


@transaction.atomic
def reverse(txn: LedgerTransaction, *, memo: str = "") -> LedgerTransaction:
    """Correct a posting by posting its mirror image; the original stays as it was."""
    txn = LedgerTransaction.objects.select_for_update().get(pk=txn.pk)
    if LedgerTransaction.objects.filter(reverses=txn).exists():
        raise LedgerAlreadyReversed(details={"transaction": txn.pk})
    legs = [
        Leg(AccountKey(e.account.type, e.currency, e.account.owner_id, e.account.jurisdiction), -e.amount)
        for e in txn.entries.select_related("account")
    ]
    return post("reversal", legs, memo=memo or f"reversal of {txn.pk}", source_type=txn.source_type,
                source_id=txn.source_id, reverses=txn)


# --- reading --------------------------------------------------------------------------------
def balance(key: AccountKey) -> Money:
    """Cached balance, debit-positive."""
    account = LedgerAccount.objects.filter(_key_filter(key)).only("balance").first()
    return Money(account.balance if account else 0, key.currency)


def normal_balance(key: AccountKey) -> Money:
    account = LedgerAccount.objects.filter(_key_filter(key)).first()
    return Money(account.normal_balance if account else 0, key.currency)
