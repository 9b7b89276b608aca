"""Creators' connected payout accounts and payouts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable


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


class Payout(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", "Created"
        IN_TRANSIT = "in_transit", "In transit"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        REVERSED = "reversed", "Reversed"

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
        ]

    def __str__(self) -> str:
        return f"payout {self.public_id} {self.status}"


PAYOUT_TRANSITIONS = TransitionTable("payout", {
    "created": {"in_transit", "paid", "failed"},
    "in_transit": {"paid", "failed"},
    "paid": {"reversed", "failed"},  # a bank can return a paid payout days later
})
