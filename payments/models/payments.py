"""Payments, refunds and disputes: the local, write-ahead record of every provider operation.

A purchase is known only by a generic (purpose, reference) pair: payments imports no product app.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint
from payments.money import Money


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created (write-ahead, provider not answered yet)"
    REQUIRES_ACTION = "requires_action", "Requires authentication"
    REQUIRES_CAPTURE = "requires_capture", "Authorized, not captured"
    PROCESSING = "processing", "Processing"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled (authorization voided)"


FINAL_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED})

PAYMENT_TRANSITIONS = TransitionTable("payment", {
    "created": {"requires_action", "requires_capture", "processing", "succeeded", "failed", "canceled"},
    "requires_action": {"requires_capture", "processing", "succeeded", "failed", "canceled"},
    "processing": {"requires_capture", "succeeded", "failed", "canceled"},
    "requires_capture": {"succeeded", "canceled", "failed"},
})


class EscrowState(models.TextChoices):
    NONE = "", "Not in escrow"
    HELD = "held", "Held in escrow"
    RELEASED = "released", "Released to the creator"
    REFUNDED = "refunded", "Refunded to the fan"


# held -> none: the escrowed charge failed or was voided, so nothing is held.
ESCROW_TRANSITIONS = TransitionTable("escrow", {
    EscrowState.HELD: {EscrowState.RELEASED, EscrowState.REFUNDED, EscrowState.NONE},
})


class Payment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments_made")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments_received")
    purpose = models.CharField(max_length=40)      # "subscription", "tip", "ppv", "custom_request", ...
    reference = models.CharField(max_length=100)   # the product's own id for what was bought
    description = models.CharField(max_length=120, blank=True)  # product line shown on the receipt
    idempotency_key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)

    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()             # what the fan pays (gross, tax included), minor units
    net_amount = models.BigIntegerField()         # excluding tax
    tax_amount = models.BigIntegerField(default=0)
    platform_fee = models.BigIntegerField(default=0)
    creator_amount = models.BigIntegerField(default=0)
    processor_fee = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0)
    amount_charged_back = models.BigIntegerField(default=0)  # lost disputes
    # What refunds and lost disputes took back, per part (cumulative; see services.splits).
    tax_reversed = models.BigIntegerField(default=0)
    fee_reversed = models.BigIntegerField(default=0)
    creator_reversed = models.BigIntegerField(default=0)
    prices_include_tax = models.BooleanField(default=False)
    tax_country = models.CharField(max_length=2, blank=True)
    tax_region = models.CharField(max_length=6, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)  # [{"jurisdiction","name","rate","amount"}]
    tax_evidence = models.JSONField(default=dict, blank=True)  # what established tax_country (see tax.location)
    tax_engine = models.CharField(max_length=30, blank=True)
    # As quoted: [{"description","quantity","net","tax","total"}].
    lines = models.JSONField(default=list, blank=True)
    # What the processor rebills on its own (CCBill's recurring FlexForm), priced and taxed at the first
    # charge: {"amount","net","tax","platform_fee","creator_amount","tax_lines","lines","period_days",
    # "initial_period_days","num_rebills"}. Empty for one-off charges and platform-billed renewals.
    recurring = models.JSONField(default=dict, blank=True)

    provider = models.CharField(max_length=30)
    provider_payment_id = models.CharField(max_length=100, blank=True)
    # The provider's id of the money movement itself: Stripe's charge (ch_…), CCBill's subscriptionId
    # from NewSaleSuccess (what DataLink refunds and the Refund/Chargeback postbacks name).
    provider_charge_id = models.CharField(max_length=100, blank=True, db_index=True)
    payment_method_label = models.CharField(max_length=40, blank=True)  # "card •••• 4242"; never a card number
    capture = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    escrow = models.CharField(max_length=10, choices=EscrowState.choices, default=EscrowState.NONE, blank=True)
    client_action = models.JSONField(null=True, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=200, blank=True)
    card_country = models.CharField(max_length=2, blank=True)
    posted = models.BooleanField(default=False)  # the capture was posted to the ledger
    released_at = models.DateTimeField(null=True, blank=True)  # creator share moved pending -> available
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fan", "idempotency_key"], name="payment_idempotency_unique"),
            models.UniqueConstraint(fields=["provider", "provider_payment_id"],
                                    condition=~Q(provider_payment_id=""), name="payment_provider_id_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_charged_back__gte=0)
                & Q(amount__gte=models.F("amount_refunded") + models.F("amount_charged_back")),
                name="payment_reversals_within_amount"),
            models.CheckConstraint(condition=Q(amount=models.F("net_amount") + models.F("tax_amount")),
                                   name="payment_amount_is_net_plus_tax"),
            choices_constraint("status", PaymentStatus, "payment_status_valid"),
            choices_constraint("escrow", EscrowState, "payment_escrow_valid"),
        ]
        indexes = [models.Index(fields=["purpose", "reference"]), models.Index(fields=["status", "updated_at"])]
        permissions = [("refund_payment", "Can refund payments")]

    def __str__(self) -> str:
        return f"payment {self.public_id} {self.money('amount')} {self.status}"

    def money(self, field: str) -> Money:
        return Money(getattr(self, field), self.currency)

    @property
    def money_amount(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def money_refunded(self) -> Money:
        return Money(self.amount_refunded, self.currency)

    @property
    def reversed_total(self) -> int:
        return self.amount_refunded + self.amount_charged_back

    @property
    def refundable(self) -> Money:
        return Money(self.amount - self.reversed_total, self.currency)


class RefundStatus(models.TextChoices):
    CREATED = "created", "Created"
    PENDING = "pending", "Pending at the provider"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


RF = RefundStatus
REFUND_TRANSITIONS = TransitionTable("refund", {
    RF.CREATED: {RF.PENDING, RF.SUCCEEDED, RF.FAILED},
    RF.PENDING: {RF.PENDING, RF.SUCCEEDED, RF.FAILED},  # pending -> pending: the provider still works on it
    RF.SUCCEEDED: set(),
    RF.FAILED: set(),
})


class Refund(models.Model):
    Status = RefundStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    tax_amount = models.BigIntegerField(default=0)
    fee_amount = models.BigIntegerField(default=0)
    creator_amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=40)  # requested_by_customer | duplicate | fraudulent | not_delivered | ...
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    provider_refund_id = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
                       choices_constraint("status", RefundStatus, "refund_status_valid")]

    def __str__(self) -> str:
        return f"refund {self.public_id} {Money(self.amount, self.currency)}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open (funds withdrawn)"
    WON = "won", "Won (funds reinstated)"
    LOST = "lost", "Lost"


class Dispute(models.Model):
    Status = DisputeStatus

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    provider_dispute_id = models.CharField(max_length=100)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # The provider's own status (Stripe: needs_response, under_review, won, lost, ...) and the
    # deadline for submitting evidence, so Finance can see what needs an answer and by when.
    provider_status = models.CharField(max_length=40, blank=True)
    evidence_due_by = models.DateTimeField(null=True, blank=True)
    fee = models.BigIntegerField(default=0)  # the provider's dispute fee booked so far (net of any refund of it)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["payment", "provider_dispute_id"], name="dispute_unique"),
                       choices_constraint("status", DisputeStatus, "dispute_status_valid")]

    def __str__(self) -> str:
        return f"dispute {self.provider_dispute_id} {self.status}"


DISPUTE_TRANSITIONS = TransitionTable("dispute", {
    DisputeStatus.OPEN: {DisputeStatus.WON, DisputeStatus.LOST},
    DisputeStatus.WON: set(),
    DisputeStatus.LOST: set(),
})
