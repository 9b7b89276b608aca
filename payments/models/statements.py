"""Monthly creator statements, derived from the ledger and reconciled against it when generated."""

from django.conf import settings
from django.db import models


class CreatorStatement(models.Model):
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements")
    currency = models.CharField(max_length=3)
    period = models.DateField()  # first day of the month, UTC
    # What the platform owes the creator (pending + available), in minor units, credit-normal.
    opening = models.BigIntegerField()
    earnings = models.BigIntegerField()      # sales and escrow releases
    refunds = models.BigIntegerField()       # refunds taken back (negative)
    chargebacks = models.BigIntegerField()   # lost disputes taken back (negative)
    payouts = models.BigIntegerField()       # paid out, net of failed/reversed payouts (negative)
    adjustments = models.BigIntegerField(default=0)  # reversing corrections and anything else
    closing = models.BigIntegerField()
    held_in_escrow = models.BigIntegerField(default=0)  # at period end, not yet the creator's
    # The sales side of the month, from the same ledger: what fans paid (tax included), the tax in it and the
    # platform's fee, in total and per product ({"tips": {"count", "gross", "tax", "fee", "earned", "held"}}).
    gross = models.BigIntegerField(default=0)
    tax = models.BigIntegerField(default=0)
    fees = models.BigIntegerField(default=0)
    by_product = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "currency", "period"], name="statement_unique")]
        ordering = ("-period", "currency")

    def __str__(self) -> str:
        return f"statement {self.creator_id} {self.period:%Y-%m} {self.currency}"
