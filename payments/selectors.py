"""Reads for payments pages: owner-only by construction."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from common.errors import NotFoundError
from payments.models import Payment, Receipt
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
            .prefetch_related("receipts").order_by("-created_at"))


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
