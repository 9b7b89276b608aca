"""Refunds people ask for: a fan's request on one of their payments, decided by the creator (within the
policy's limits) or by Trust & Safety / Finance in the admin. The money moves through services.refunds."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint
from payments.models.payments import Payment, Refund
from payments.money import Money


class RefundRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ESCALATED = "escalated", "Escalated to Trust & Safety"
    REFUNDED = "refunded", "Refunded in full"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn by the fan"


class RefundRequestReason(models.TextChoices):
    NOT_DELIVERED = "not_delivered", "I did not get what I paid for"
    NOT_AS_DESCRIBED = "not_as_described", "It was not as described"
    ACCIDENTAL = "accidental", "I paid by mistake"
    DUPLICATE = "duplicate", "I was charged twice"
    OTHER = "other", "Something else"


RR = RefundRequestStatus
OPEN_STATES = (RR.REQUESTED, RR.ESCALATED)
REFUND_REQUEST_TRANSITIONS = TransitionTable("refund_request", {
    RR.REQUESTED: {RR.ESCALATED, RR.REFUNDED, RR.PARTIALLY_REFUNDED, RR.DECLINED, RR.WITHDRAWN},
    RR.ESCALATED: {RR.REFUNDED, RR.PARTIALLY_REFUNDED, RR.DECLINED, RR.WITHDRAWN},
    RR.REFUNDED: set(),
    RR.PARTIALLY_REFUNDED: set(),
    RR.DECLINED: set(),
    RR.WITHDRAWN: set(),
})


class RefundRequest(models.Model):
    Status = RefundRequestStatus
    Reason = RefundRequestReason

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_requests")
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refund_requests")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="refund_requests_received")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.TextField(max_length=1000, blank=True)  # the fan's words; never in an event
    amount_requested = models.BigIntegerField(null=True, blank=True)  # None: everything still refundable
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    amount_refunded = models.BigIntegerField(default=0)
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_as = models.CharField(max_length=10, blank=True)  # "creator" | "staff"
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set under the row lock when a refund decision is taken, before the provider is called: from then on
    # the request can only end refunded (a decline, escalation or withdrawal racing it is refused).
    refund_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            choices_constraint("status", RefundRequestStatus, "refund_request_status_valid"),
            choices_constraint("reason", RefundRequestReason, "refund_request_reason_valid"),
            models.UniqueConstraint(fields=["payment"], condition=Q(status__in=["requested", "escalated"]),
                                    name="refund_request_one_open_per_payment"),
            models.CheckConstraint(condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                                   name="refund_request_amount_positive"),
        ]
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"refund request {self.public_id} {self.status}"

    @property
    def requested_money(self) -> Money | None:
        return Money(self.amount_requested, self.currency) if self.amount_requested is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES
