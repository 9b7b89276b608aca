"""Monthly creator statements: every figure is a sum of ledger entries, and the statement is only
written when opening + movements == closing == the ledger's own balance at period end."""

from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from common.errors import StatementMismatch, StatementPeriodOpen
from payments.models import AccountType, CreatorStatement, LedgerAccount, LedgerEntry, Payment

OWED = (AccountType.CREATOR_PENDING, AccountType.CREATOR_AVAILABLE)
KIND_COLUMNS = {"charge": "earnings", "escrow_release": "earnings", "refund": "refunds",
                "dispute_lost": "chargebacks", "payout": "payouts", "payout_failed": "payouts",
                "transfer_reversed": "payouts", "release": None, "reversal": "adjustments",
                # Taken back from a transfer after a refund or chargeback; a refund that failed at the provider.
                "transfer_reversal": "payouts", "refund_failed": "refunds"}


# The products a statement shows gross figures for, by the payment's purpose.
PRODUCTS = {"subscription": "subscriptions", "subscription_renewal": "subscriptions",
            "subscription_upgrade": "subscriptions", "tip": "tips", "ppv_post": "ppv", "ppv_message": "paid_messages",
            "custom_request": "requests"}
PRODUCT_ORDER = ("subscriptions", "tips", "ppv", "paid_messages", "requests", "other")
SALE_KINDS = ("charge", "escrow_release")


def _month_bounds(period: date) -> tuple[datetime, datetime]:
    start = datetime(period.year, period.month, 1, tzinfo=UTC)
    end = datetime(period.year + (period.month == 12), period.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _owed_before(creator_id: int, currency: str, moment: datetime, types: tuple = OWED) -> int:
    total = LedgerEntry.objects.filter(account__owner_id=creator_id, account__currency=currency,
                                       account__type__in=types, transaction__created_at__lt=moment
                                       ).aggregate(total=Sum("amount"))["total"] or 0
    return -total  # liabilities are credit-normal


def sales_by_product(creator_id: int, currency: str, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """Gross, tax and fee per product from the ledger's sale postings of the creator's payments in [start, end):
    gross is what the fans paid (the clearing debit), tax the tax payable credited, fee the platform revenue
    credited (for escrowed requests at release), earned the creator's share credited, held what went to escrow."""
    purposes = dict(Payment.objects.filter(creator_id=creator_id, currency=currency, posted=True)
                    .values_list("pk", "purpose"))
    rows = (LedgerEntry.objects.filter(transaction__kind__in=SALE_KINDS, transaction__source_type="payment",
                                       transaction__source_id__in=[str(pk) for pk in purposes], currency=currency,
                                       transaction__created_at__gte=start, transaction__created_at__lt=end)
            .values_list("transaction__source_id", "transaction__kind", "account__type", "amount"))
    out: dict[str, dict[str, int]] = {}
    counted: set[str] = set()
    for source_id, kind, account_type, amount in rows:
        product = PRODUCTS.get(purposes[int(source_id)], "other")
        line = out.setdefault(product, {"count": 0, "gross": 0, "tax": 0, "fee": 0, "earned": 0, "held": 0})
        if kind == "charge" and account_type == AccountType.FAN_CLEARING and amount > 0:
            line["gross"] += amount
            if source_id not in counted:
                counted.add(source_id)
                line["count"] += 1
        elif kind == "charge" and account_type == AccountType.TAX_PAYABLE:
            line["tax"] -= amount
        elif account_type == AccountType.PLATFORM_REVENUE:
            line["fee"] -= amount
        elif account_type == AccountType.CREATOR_PENDING:
            line["earned"] -= amount
        elif kind == "charge" and account_type == AccountType.ESCROW:
            line["held"] -= amount
    return {product: out[product] for product in PRODUCT_ORDER if product in out}


def generate(creator_id: int, currency: str, period: date) -> CreatorStatement:
    period = period.replace(day=1)
    start, end = _month_bounds(period)
    if end > timezone.now():
        raise StatementPeriodOpen("A month is stated once it is over.")
    existing = CreatorStatement.objects.filter(creator_id=creator_id, currency=currency, period=period).first()
    if existing:
        return existing
    movements = (LedgerEntry.objects.filter(account__owner_id=creator_id, account__currency=currency,
                                            account__type__in=OWED, transaction__created_at__gte=start,
                                            transaction__created_at__lt=end)
                 .values("transaction__kind").annotate(total=Sum("amount")))
    columns = {"earnings": 0, "refunds": 0, "chargebacks": 0, "payouts": 0, "adjustments": 0}
    for row in movements:
        column = KIND_COLUMNS.get(row["transaction__kind"], "adjustments")
        if column:
            columns[column] += -row["total"]
        elif row["total"]:
            raise StatementMismatch(details={"kind": row["transaction__kind"], "net": row["total"]})
    opening = _owed_before(creator_id, currency, start)
    closing = _owed_before(creator_id, currency, end)
    if opening + sum(columns.values()) != closing:
        raise StatementMismatch(details={"opening": opening, **columns, "closing": closing})
    products = sales_by_product(creator_id, currency, start, end)
    sales = {"gross": sum(p["gross"] for p in products.values()), "tax": sum(p["tax"] for p in products.values()),
             "fees": sum(p["fee"] for p in products.values()), "by_product": products}
    with transaction.atomic():
        statement, _ = CreatorStatement.objects.get_or_create(
            creator_id=creator_id, currency=currency, period=period,
            defaults={"opening": opening, "closing": closing, **columns, **sales,
                      "held_in_escrow": _owed_before(creator_id, currency, end, (AccountType.ESCROW,))})
    return statement


def generate_month(period: date) -> int:
    """Statements for every creator with a ledger account, for the month containing ``period``."""
    pairs = (LedgerAccount.objects.filter(type__in=[*OWED, AccountType.ESCROW], owner__isnull=False)
             .values_list("owner_id", "currency").distinct())
    return sum(1 for owner_id, currency in pairs if generate(owner_id, currency, period))


def generate_last_month() -> int:
    today = timezone.now().date()
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return generate_month(last)
