"""Receipts and credit notes with gap-free numbers per series, and the tax sale record."""

import uuid

from django.conf import settings
from django.db import models


class ReceiptCounter(models.Model):
    """The next number of a series. Locked (SELECT ... FOR UPDATE) in the issuing transaction, so a
    rolled-back transaction gives its number back and two concurrent ones never share one."""

    series = models.CharField(max_length=20, primary_key=True)  # e.g. "R-2026", "CN-2026"
    next_number = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.series} next {self.next_number}"


class Receipt(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        CREDIT_NOTE = "credit_note", "Credit note"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.CharField(max_length=20)
    sequence = models.PositiveBigIntegerField()
    number = models.CharField(max_length=40, unique=True)  # "R-2026-000042"
    kind = models.CharField(max_length=12, choices=Kind.choices)
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="receipts")
    refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="credit_note")
    original = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receipts")
    buyer_handle = models.CharField(max_length=30)   # pseudonymous public handle, as at issue time
    seller_of_record = models.JSONField()             # {"legal_entity","address","vat_id"} at issue time
    merchant_handle = models.CharField(max_length=30)  # the creator the purchase supports
    lines = models.JSONField()                        # [{"description","quantity","unit","net","tax","total"}]
    tax_lines = models.JSONField(default=list)        # [{"jurisdiction","name","rate","amount"}]
    fee_disclosure = models.JSONField(default=dict)   # {"platform_fee","platform_fee_percent","creator_amount"}
    currency = models.CharField(max_length=3)
    subtotal = models.BigIntegerField()
    tax_total = models.BigIntegerField()
    total = models.BigIntegerField()
    prices_include_tax = models.BooleanField(default=False)
    tax_country = models.CharField(max_length=2, blank=True)
    issued_at = models.DateTimeField()
    # Email outbox: null until payments.send_receipt_emails has mailed it (no broker message per receipt,
    # and no email lost when the broker is down at commit time).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "sequence"], name="receipt_series_sequence_unique")]
        indexes = [models.Index(fields=["buyer", "-issued_at"]),
                   models.Index(fields=["issued_at"], condition=models.Q(emailed_at__isnull=True),
                                name="receipt_email_pending_idx")]
        ordering = ("-issued_at", "-id")

    def __str__(self) -> str:
        return self.number


class SaleRecord(models.Model):
    """What a tax authority can ask for (EU VAT MOSS/OSS: 10 years): the sale, its place of supply
    and the evidence that established it. Written once with the charge; credit notes add rows."""

    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="sale_records")
    refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="sale_record")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=6, blank=True)
    evidence = models.JSONField()  # {"billing_country","billing_region","card_country","ip_country","confirmed"}
    currency = models.CharField(max_length=3)
    net_amount = models.BigIntegerField()  # negative for credit notes
    tax_amount = models.BigIntegerField()
    tax_lines = models.JSONField(default=list)
    engine = models.CharField(max_length=30)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"sale {self.pk} {self.country} {self.tax_amount} {self.currency}"
