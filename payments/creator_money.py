"""What a creator sees of their money: balances, the next payout, payout history, the payout account and
monthly statements. Reads only, derived from the ledger and the payout rows (a fixed number of queries)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from common.errors import NotFoundError
from payments.models import AccountType, ConnectedAccount, CreatorStatement, LedgerAccount, Payout
from payments.models.payouts import PayoutStatus
from payments.money import Money

IN_TRANSIT = (PayoutStatus.CREATED, PayoutStatus.IN_TRANSIT)
STATEMENT_COLUMNS = ("opening", "earnings", "refunds", "chargebacks", "payouts", "adjustments", "closing",
                     "held_in_escrow", "gross", "tax", "fees")
PRODUCT_LABELS = {"subscriptions": "Subscriptions", "tips": "Tips", "ppv": "Pay-per-view", "paid_messages":
                  "Paid messages", "requests": "Custom requests", "other": "Other"}
PRODUCT_FIELDS = ("count", "gross", "tax", "fee", "earned", "held")
# The balance side of a statement, in reading order: what the platform owed the creator, what moved, what it owes.
SUMMARY_LINES = (("opening", "Opening balance"), ("earnings", "Earnings (your share)"), ("refunds", "Refunds"),
                 ("chargebacks", "Chargebacks"), ("payouts", "Payouts"), ("adjustments", "Adjustments"),
                 ("closing", "Closing balance"), ("held_in_escrow", "Held in escrow at month end"))


@dataclass(frozen=True)
class CurrencyBalance:
    currency: str
    pending: Money  # earned, inside the hold period (refund and dispute window)
    available: Money  # can be paid out
    in_transit: Money  # sent, not yet confirmed paid
    next_payout: Money | None  # what the next run would send (None: below the minimum)
    minimum: Money


@dataclass(frozen=True)
class PayoutRow:
    sent_at: datetime
    amount: Money
    status: str
    failure: str


@dataclass(frozen=True)
class StatementRow:
    id: int
    period: datetime
    currency: str
    lines: dict[str, Money]


@dataclass(frozen=True)
class CreatorMoney:
    balances: list[CurrencyBalance]
    next_payout_at: datetime
    payouts: list[PayoutRow]
    account: ConnectedAccount | None
    statements: list[StatementRow] = field(default_factory=list)


def _next_run(now: datetime) -> datetime:
    """The daily payout run: beat fires it once a day; the page says "within a day" from the next midnight."""
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return tomorrow


def creator_money(creator_id: int) -> CreatorMoney:
    accounts = LedgerAccount.objects.filter(owner_id=creator_id,
                                            type__in=[AccountType.CREATOR_PENDING, AccountType.CREATOR_AVAILABLE])
    by_currency: dict[str, dict[str, int]] = {}
    for account in accounts:
        by_currency.setdefault(account.currency, {})[account.type] = account.normal_balance
    transit = dict(Payout.objects.filter(creator_id=creator_id, status__in=IN_TRANSIT).values("currency")
                   .annotate(total=Sum("amount")).values_list("currency", "total"))
    balances = []
    for currency in sorted(set(by_currency) | set(transit)):
        amounts = by_currency.get(currency, {})
        available = Money(amounts.get(AccountType.CREATOR_AVAILABLE, 0), currency)
        balances.append(CurrencyBalance(
            currency=currency, pending=Money(amounts.get(AccountType.CREATOR_PENDING, 0), currency),
            available=available, in_transit=Money(transit.get(currency, 0), currency),
            next_payout=available if available.minor >= settings.PAYOUT_MINIMUM_MINOR else None,
            minimum=Money(settings.PAYOUT_MINIMUM_MINOR, currency)))
    payouts = [PayoutRow(p.created_at, Money(p.amount, p.currency), p.get_status_display(), p.failure_code)
               for p in Payout.objects.filter(creator_id=creator_id).order_by("-created_at")[:50]]
    account = (ConnectedAccount.objects.filter(creator_id=creator_id).order_by("-payouts_enabled", "-updated_at")
               .first())
    statements = [StatementRow(s.pk, s.period, s.currency,
                               {c: Money(getattr(s, c), s.currency) for c in STATEMENT_COLUMNS})
                  for s in CreatorStatement.objects.filter(creator_id=creator_id).order_by("-period", "currency")[:36]]
    return CreatorMoney(balances, _next_run(timezone.now()), payouts, account, statements)


def statement_for(creator_id: int, statement_id: int) -> CreatorStatement:
    statement = CreatorStatement.objects.filter(pk=statement_id, creator_id=creator_id).first()
    if statement is None:
        raise NotFoundError("No such statement.")
    return statement


@dataclass(frozen=True)
class ProductLine:
    key: str
    label: str
    count: int
    gross: Money
    tax: Money
    fee: Money
    earned: Money
    held: Money


@dataclass(frozen=True)
class StatementView:
    statement: CreatorStatement
    lines: dict[str, Money]
    products: list[ProductLine]


def statement_view(statement: CreatorStatement) -> StatementView:
    """The statement as money: its summary lines and, per product, gross, tax, fee and what the creator earned."""
    currency = statement.currency
    products = [ProductLine(key, PRODUCT_LABELS.get(key, key), int(values.get("count", 0)),
                            *(Money(int(values.get(name, 0)), currency) for name in PRODUCT_FIELDS[1:]))
                for key, values in (statement.by_product or {}).items()]
    return StatementView(statement, {c: Money(getattr(statement, c), currency) for c in STATEMENT_COLUMNS}, products)


def statement_csv(statement: CreatorStatement) -> str:
    """One row per line of the statement, then one row per product and figure; amounts in major units."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", "currency", "line", "amount"])
    period = statement.period.strftime("%Y-%m")
    for column in STATEMENT_COLUMNS:
        writer.writerow([period, statement.currency, column,
                         str(Money(getattr(statement, column), statement.currency).to_decimal())])
    for key, values in (statement.by_product or {}).items():
        writer.writerow([period, statement.currency, f"{key}.count", int(values.get("count", 0))])
        for name in PRODUCT_FIELDS[1:]:
            writer.writerow([period, statement.currency, f"{key}.{name}",
                             str(Money(int(values.get(name, 0)), statement.currency).to_decimal())])
    return out.getvalue()
