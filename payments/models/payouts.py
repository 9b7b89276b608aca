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
    details_submitted = models.BooleanField(default=False)
    # What the provider still requires before it pays this account (Stripe requirements.currently_due).
    requirements_due = models.JSONField(default=list, blank=True)
    disabled_reason = models.CharField(max_length=100, blank=True)
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
    # Stripe: the Transfer (tr_…) to the creator's connected account; the simulator: its payout id.
    provider_payout_id = models.CharField(max_length=100, blank=True)
    amount_reversed = models.BigIntegerField(default=0)  # taken back by transfer reversals (incl. reserved)
    failure_code = models.CharField(max_length=60, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    retry_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="retried_by")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=Q(amount_reversed__gte=0) & Q(amount_reversed__lte=models.F("amount")),
                                   name="payout_reversed_within_amount"),
            models.UniqueConstraint(fields=["account", "provider_payout_id"], condition=~Q(provider_payout_id=""),
                                    name="payout_provider_id_unique"),
            choices_constraint("status", PayoutStatus, "payout_status_valid"),
        ]

    def __str__(self) -> str:
        return f"payout {self.public_id} {self.status}"


PS = PayoutStatus


class FailedPayout(Payout):
    """The failed-payout queue in the admin: failed and not retried yet."""

    class Meta:
        proxy = True
        verbose_name = "failed payout"
        verbose_name_plural = "failed payouts (queue)"


class TransferReversalStatus(models.TextChoices):
    CREATED = "created", "Created (provider not answered yet)"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class TransferReversal(models.Model):
    """Money taken back from a creator's connected account after a refund or a lost dispute of a sale
    whose share was already transferred. Written ahead of the provider call; the provider's
    idempotency key is ``transfer-reversal:<public_id>``."""

    Status = TransferReversalStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="reversals")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    cause = models.CharField(max_length=80)  # "refund:<id>", "dispute:<id>", "provider", "reconcile"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    provider_reversal_id = models.CharField(max_length=100, blank=True)
    failure_message = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_reversal_amount_positive"),
            models.UniqueConstraint(fields=["provider_reversal_id"], condition=~Q(provider_reversal_id=""),
                                    name="transfer_reversal_provider_id_unique"),
            choices_constraint("status", TransferReversalStatus, "transfer_reversal_status_valid"),
        ]

    def __str__(self) -> str:
        return f"transfer reversal {self.public_id} {self.status}"


PAYOUT_TRANSITIONS = TransitionTable("payout", {
    PS.CREATED: {PS.IN_TRANSIT, PS.PAID, PS.FAILED},
    PS.IN_TRANSIT: {PS.PAID, PS.FAILED},
    PS.PAID: {PS.REVERSED, PS.FAILED},  # a bank can return a paid payout days later
    PS.FAILED: set(),  # a failed payout is retried as a new payout (retry_of)
    PS.REVERSED: set(),
})


REVERSAL_TRANSITIONS = TransitionTable("transfer reversal", {
    TransferReversal.Status.CREATED: {TransferReversal.Status.SUCCEEDED, TransferReversal.Status.FAILED},
})
