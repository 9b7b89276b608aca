"""Issuing receipts and credit notes with gap-free numbers.

The number is taken from a counter row locked in the issuing transaction: a rolled-back charge
gives its number back, and concurrent issuers queue on the lock instead of sharing a number.
Call these inside the transaction that records the money movement (the caller's atomic block).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import Payment, Receipt, ReceiptCounter, Refund
from payments.services.splits import Split


def _seller() -> dict[str, str]:
    return {"legal_entity": settings.PAYMENTS_SELLER_LEGAL_NAME, "address": settings.PAYMENTS_SELLER_ADDRESS,
            "vat_id": settings.PAYMENTS_SELLER_VAT_ID}


def next_number(series: str) -> int:
    counter = ReceiptCounter.objects.select_for_update().filter(series=series).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(series=series, next_number=1)
        except IntegrityError:
            pass  # another transaction created the series first; its row is locked below
        counter = ReceiptCounter.objects.select_for_update().get(series=series)
    number = counter.next_number
    ReceiptCounter.objects.filter(series=series).update(next_number=number + 1)
    return number


def _issue(*, kind: str, prefix: str, payment: Payment, lines: list[dict], tax_lines: list[dict],
           subtotal: int, tax_total: int, fee: dict, refund: Refund | None = None,
           original: Receipt | None = None) -> Receipt:
    now = timezone.now()
    series = f"{prefix}-{now.year}"
    sequence = next_number(series)
    return Receipt.objects.create(
        series=series, sequence=sequence, number=f"{series}-{sequence:06d}", kind=kind, payment=payment,
        refund=refund, original=original, buyer_id=payment.fan_id, buyer_handle=payment.fan.handle,
        merchant_handle=payment.creator.handle, seller_of_record=_seller(), lines=lines, tax_lines=tax_lines,
        fee_disclosure=fee, currency=payment.currency, subtotal=subtotal, tax_total=tax_total,
        total=subtotal + tax_total, prices_include_tax=payment.prices_include_tax, tax_country=payment.tax_country,
        issued_at=now,
    )


def issue_receipt(payment: Payment, quoted_lines: list[dict]) -> Receipt:
    fee = {"platform_fee": payment.platform_fee, "platform_fee_percent": str(settings.PLATFORM_FEE_PERCENT),
           "creator_amount": payment.creator_amount}
    return _issue(kind=Receipt.Kind.RECEIPT, prefix="R", payment=payment, lines=quoted_lines,
                  tax_lines=payment.tax_lines, subtotal=payment.net_amount, tax_total=payment.tax_amount, fee=fee)


def issue_credit_note(refund: Refund, split: Split, tax_parts: list[tuple[str, int]]) -> Receipt:
    payment = refund.payment
    original = payment.receipts.filter(kind=Receipt.Kind.RECEIPT).first()
    by_jurisdiction = {line["jurisdiction"]: line for line in payment.tax_lines}
    tax_lines = [{**by_jurisdiction[j], "amount": -amount} for j, amount in tax_parts]
    net = refund.amount - split.tax
    line = {"description": f"Refund: {payment.description or payment.purpose}", "quantity": 1,
            "net": -net, "tax": -split.tax, "total": -refund.amount}
    fee = {"platform_fee": -split.fee, "platform_fee_percent": str(settings.PLATFORM_FEE_PERCENT),
           "creator_amount": -split.creator}
    return _issue(kind=Receipt.Kind.CREDIT_NOTE, prefix="CN", payment=payment, lines=[line], tax_lines=tax_lines,
                  subtotal=-net, tax_total=-split.tax, fee=fee, refund=refund, original=original)


def schedule_email(receipt: Receipt) -> None:
    from payments import tasks

    # Robust: a broker hiccup after the money moved must not turn a committed charge into an error.
    transaction.on_commit(lambda: tasks.send_receipt_email.delay(receipt.pk), robust=True)
