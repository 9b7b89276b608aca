"""Creators' connected payout accounts and payouts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint


class ConnectedAccount(models.Model):
    """The creator's account at a provider (a Stripe Connect account id, or the simulator's)."""

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_accounts")
    provider = models.CharField(max_length=30)
    account_ref = models.CharField(max_length=100)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "account_ref"], name="connected_account_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.account_ref}"


class PayoutStatus(models.TextChoices):
    CREATED = "created", "Created"
    IN_TRANSIT = "in_transit", "In transit"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    REVERSED = "reversed", "Reversed"


class Payout(models.Model):
    Status = PayoutStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.PROTECT, related_name="payouts")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    provider_payout_id = models.CharField(max_length=100, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    retry_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="retried_by")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.UniqueConstraint(fields=["account", "provider_payout_id"], condition=~Q(provider_payout_id=""),
                                    name="payout_provider_id_unique"),
            choices_constraint("status", PayoutStatus, "payout_status_valid"),
        ]

    def __str__(self) -> str:
        return f"payout {self.public_id} {self.status}"


PS = PayoutStatus
PAYOUT_TRANSITIONS = TransitionTable("payout", {
    PS.CREATED: {PS.IN_TRANSIT, PS.PAID, PS.FAILED},
    PS.IN_TRANSIT: {PS.PAID, PS.FAILED},
    PS.PAID: {PS.REVERSED, PS.FAILED},  # a bank can return a paid payout days later
    PS.FAILED: set(),  # a failed payout is retried as a new payout (retry_of)
    PS.REVERSED: set(),
})
