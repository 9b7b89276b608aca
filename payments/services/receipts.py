"""Issuing receipts and credit notes with gap-free numbers.

The number is taken from a counter row locked in the issuing transaction: a rolled-back charge
gives its number back, and concurrent issuers queue on the lock instead of sharing a number.
Call these inside the transaction that records the money movement (the caller's atomic block).
"""

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments.models import Payment, Receipt, ReceiptCounter, Refund
from payments.selectors import receipt_context
from payments.services.splits import Split


def _seller() -> dict[str, str]:
    return {"legal_entity": settings.PAYMENTS_SELLER_LEGAL_NAME, "address": settings.PAYMENTS_SELLER_ADDRESS,
            "vat_id": settings.PAYMENTS_SELLER_VAT_ID}


_TAKE_SQL = ("UPDATE payments_receiptcounter SET next_number = next_number + 1 WHERE series = %s "
             "RETURNING next_number - 1")


def next_number(series: str) -> int:
    """Take the series' next number. The UPDATE locks the counter row until the issuing transaction
    ends (PostgreSQL row lock; SQLite's write lock), so numbers are handed out one at a time and a
    rollback hands its number back."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [series])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    ReceiptCounter.objects.create(series=series, next_number=1)
            except IntegrityError:
                pass  # another transaction created the series first; the UPDATE waits for it
            cursor.execute(_TAKE_SQL, [series])
            row = cursor.fetchone()
    return row[0]


def _handle(payment: Payment, party: str) -> str:
    # purchases.lock_payment() fetches the handles with the locked row; otherwise follow the relation.
    return getattr(payment, f"{party}_handle", None) or getattr(payment, party).handle


def _issue(*, kind: str, prefix: str, payment: Payment, lines: list[dict], tax_lines: list[dict],
           subtotal: int, tax_total: int, fee: dict, refund: Refund | None = None,
           original: Receipt | None = None) -> Receipt:
    now = timezone.now()
    series = f"{prefix}-{now.year}"
    sequence = next_number(series)
    return Receipt.objects.create(
        series=series, sequence=sequence, number=f"{series}-{sequence:06d}", kind=kind, payment=payment,
        refund=refund, original=original, buyer_id=payment.fan_id, buyer_handle=_handle(payment, "fan"),
        merchant_handle=_handle(payment, "creator"), seller_of_record=_seller(), lines=lines, tax_lines=tax_lines,
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


def send_pending_emails(*, limit: int = 500) -> int:
    """Mail receipts and credit notes not mailed yet (beat, every PAYMENTS_RECEIPT_EMAIL_EVERY_SECONDS).

    Each receipt is claimed with a conditional UPDATE first, so two workers never mail the same one."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string


    sent = 0
    pending = (Receipt.objects.filter(emailed_at__isnull=True).select_related("buyer", "original")
               .order_by("issued_at")[:limit])
    for receipt in pending:
        if not Receipt.objects.filter(pk=receipt.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        buyer = receipt.buyer
        if not buyer.email or getattr(buyer, "erased_at", None):
            continue
        context = {**receipt_context(receipt), "site_url": settings.SITE_URL}
        subject = f"Your {receipt.get_kind_display().lower()} {receipt.number}"
        try:
            send_mail(subject, render_to_string("payments/email/receipt.txt", context), None, [buyer.email])
        except Exception:
            Receipt.objects.filter(pk=receipt.pk).update(emailed_at=None)  # try again next run
            raise
        sent += 1
    return sent
