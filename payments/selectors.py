"""Reads for payments pages: owner-only by construction."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from common.errors import NotFoundError
from payments.models import Payment, Receipt, SaleRecord
from payments.money import Money


def receipt_for_owner(user: Any, public_id: str) -> Receipt:
    """The receipt, if ``user`` is its buyer; otherwise 404 (never reveal that it exists)."""
    receipt = (Receipt.objects.select_related("payment", "original").filter(public_id=public_id, buyer_id=user.pk)
               .first() if getattr(user, "pk", None) else None)
    if receipt is None:
        raise NotFoundError()
    return receipt


def purchase_history(user: Any) -> QuerySet[Payment]:
    return (Payment.objects.filter(fan_id=user.pk).exclude(status="created").select_related("creator")
            .prefetch_related("receipts", "refund_requests").order_by("-created_at"))


def _fmt(amount: int, currency: str) -> str:
    return Money(amount, currency).format()


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    c = receipt.currency
    return {
        "receipt": receipt,
        "title": "Credit note" if receipt.kind == Receipt.Kind.CREDIT_NOTE else "Receipt",
        "lines": [{**line, "net_f": _fmt(line["net"], c), "tax_f": _fmt(line["tax"], c),
                   "total_f": _fmt(line["total"], c)} for line in receipt.lines],
        "tax_lines": [{**t, "rate_pct": f"{(Decimal(t['rate']) * 100).normalize():f}%",
                       "amount_f": _fmt(int(t["amount"]), c)} for t in receipt.tax_lines],
        "subtotal_f": _fmt(receipt.subtotal, c), "tax_total_f": _fmt(receipt.tax_total, c),
        "total_f": _fmt(receipt.total, c),
        "fee_f": _fmt(int(receipt.fee_disclosure.get("platform_fee", 0)), c),
        "creator_f": _fmt(int(receipt.fee_disclosure.get("creator_amount", 0)), c),
        "fee_percent": receipt.fee_disclosure.get("platform_fee_percent", ""),
    }


# --- tax report (Finance) ---------------------------------------------------------------------
@dataclass
class TaxReportRow:
    quarter: str          # "2026-Q4"
    country: str
    rate: str             # the rate as a decimal string ("0.2"); "0" for untaxed sales
    currency: str
    count: int = 0        # sales
    taxable: int = 0      # minor units, net of tax
    tax: int = 0
    refund_count: int = 0  # credit notes and lost chargebacks
    refunded_taxable: int = 0  # positive numbers: what refunds took back
    refunded_tax: int = 0

    @property
    def rate_percent(self) -> str:
        return f"{(Decimal(self.rate) * 100).normalize():f}%"

    @property
    def net_taxable(self) -> int:
        return self.taxable - self.refunded_taxable

    @property
    def net_tax(self) -> int:
        return self.tax - self.refunded_tax

    def money(self, field: str) -> str:
        return Money(getattr(self, field), self.currency).format()

    @property
    def formatted(self) -> dict[str, str]:
        """Every amount as money, for pages."""
        return {name: self.money(name) for name in ("taxable", "tax", "refunded_taxable", "refunded_tax",
                                                    "net_taxable", "net_tax")}


def quarter_of(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """"2026-Q4" -> [start, end) in UTC; ValueError for anything else."""
    year_text, _, q_text = quarter.partition("-Q")
    year, q = int(year_text), int(q_text)
    if not 1 <= q <= 4 or not 2000 <= year <= 2100:
        raise ValueError(quarter)
    start = datetime(year, 3 * (q - 1) + 1, 1, tzinfo=UTC)
    end = datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=UTC)
    return start, end


def tax_report(*, start: datetime | None = None, end: datetime | None = None) -> list[TaxReportRow]:
    """Sales and refunds per quarter, country, tax rate and currency, from the sale records (the
    tax authority's view: written with each capture, credit note and lost chargeback).

    A sale taxed by several jurisdictions at different rates (e.g. a US state and a county) counts
    its taxable amount once per rate, as each return reports it. Refund rows take their rate from the
    original sale's tax lines."""
    records = SaleRecord.objects.select_related("payment").order_by("created_at", "pk")
    if start is not None:
        records = records.filter(created_at__gte=start)
    if end is not None:
        records = records.filter(created_at__lt=end)
    rows: dict[tuple[str, str, str, str], TaxReportRow] = {}

    def row(record: SaleRecord, rate: str) -> TaxReportRow:
        key = (quarter_of(record.created_at), record.country, rate, record.currency)
        if key not in rows:
            rows[key] = TaxReportRow(*key)
        return rows[key]

    for record in records.iterator(chunk_size=2000):
        is_refund = record.refund_id is not None or record.engine in {"credit_note", "chargeback"}
        # A refund that failed at the provider after its credit note: the refund is taken back out.
        undoes_refund = record.engine == "refund_failed"
        rates_by_jurisdiction = {line.get("jurisdiction"): str(line.get("rate", "0"))
                                 for line in (record.payment.tax_lines or [])}
        lines = record.tax_lines or []
        per_rate: dict[str, int] = {}
        for line in lines:
            rate = str(line.get("rate") or rates_by_jurisdiction.get(line.get("jurisdiction"), "0"))
            per_rate[rate] = per_rate.get(rate, 0) + int(line.get("amount") or 0)
        if not per_rate:
            per_rate = {"0": 0}
        for rate, tax in per_rate.items():
            target = row(record, str(Decimal(rate).normalize()))
            if undoes_refund:
                target.refund_count -= 1
                target.refunded_taxable -= record.net_amount
                target.refunded_tax -= tax
            elif is_refund:
                target.refund_count += 1
                target.refunded_taxable += -record.net_amount
                target.refunded_tax += -tax
            else:
                target.count += 1
                target.taxable += record.net_amount
                target.tax += tax
    return [rows[key] for key in sorted(rows)]


TAX_REPORT_COLUMNS = ("quarter", "country", "rate", "currency", "sales", "taxable", "tax", "refunds",
                      "refunded_taxable", "refunded_tax", "net_taxable", "net_tax")


def tax_report_csv_rows(rows: list[TaxReportRow]) -> list[list[str]]:
    """The CSV: amounts in major units with the currency's decimals (what a tax return is filled with)."""
    def major(minor: int, currency: str) -> str:
        return str(Money(minor, currency).to_decimal())

    out: list[list[str]] = [list(TAX_REPORT_COLUMNS)]
    for r in rows:
        out.append([r.quarter, r.country, r.rate, r.currency, str(r.count), major(r.taxable, r.currency),
                    major(r.tax, r.currency), str(r.refund_count), major(r.refunded_taxable, r.currency),
                    major(r.refunded_tax, r.currency), major(r.net_taxable, r.currency),
                    major(r.net_tax, r.currency)])
    return out
