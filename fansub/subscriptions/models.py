from django.conf import settings
from django.db import models
from django.db.models import F, Q

from common.state_machine import TransitionTable, choices_constraint
from payments.money import Money


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Canceled (ends at period end)"
    EXPIRED = "expired", "Expired"


S = SubscriptionStatus
SUBSCRIPTION_TRANSITIONS = TransitionTable("subscription", {
    S.TRIALING: {S.ACTIVE, S.CANCELED, S.EXPIRED},
    S.ACTIVE: {S.ACTIVE, S.PAST_DUE, S.CANCELED, S.EXPIRED},  # active→active is a renewal
    S.PAST_DUE: {S.ACTIVE, S.EXPIRED, S.CANCELED},
    S.CANCELED: {S.ACTIVE, S.TRIALING, S.EXPIRED},  # the fan resumes before the period ends (a trial stays one)
    S.EXPIRED: set(),  # re-subscribing creates a new subscription
})


class Subscription(models.Model):
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscribers")
    tier = models.ForeignKey("offers.Tier", on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=SubscriptionStatus.choices, db_index=True)
    billing_months = models.PositiveSmallIntegerField(default=1)
    bundle_discount_percent = models.PositiveSmallIntegerField(default=0)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField(db_index=True)
    grace_until = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    renews = models.BooleanField(default=True, help_text="False for a trial the fan did not opt to continue.")
    pending_tier = models.ForeignKey("offers.Tier", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="pending_downgrades")
    payment_method = models.CharField(max_length=100, blank=True)
    promotion = models.ForeignKey("offers.Promotion", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="subscriptions")
    promo_periods_left = models.PositiveSmallIntegerField(default=0)
    renewal_reminded_for = models.DateTimeField(null=True, blank=True)
    renewal_count = models.PositiveIntegerField(default=0)
    started_as_trial = models.BooleanField(default=False)
    price_minor = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="The monthly price of the tier the fan agreed to (kept through creator price changes until "
                  "the fan accepts a new one). Empty on rows older than the column: the tier's price.")
    price_notified_minor = models.PositiveIntegerField(
        null=True, blank=True, help_text="The new tier price the fan was last emailed about.")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fan", "creator"], condition=~Q(status="expired"),
                                    name="subscription_one_live_per_pair"),
            choices_constraint("status", SubscriptionStatus, "subscription_status_valid"),
            models.CheckConstraint(condition=Q(current_period_start__lt=F("current_period_end")),
                                   name="subscription_period_order"),
        ]
        indexes = [models.Index(fields=["status", "current_period_end"]),
                   models.Index(fields=["status", "next_retry_at"])]

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.status})"

    @property
    def price_raise_pending(self) -> bool:
        """The creator raised the tier's price above what this fan agreed to; the fan keeps the old price until
        they accept the new one (a cut applies at once, so only a raise waits)."""
        return (self.status != SubscriptionStatus.EXPIRED and self.price_minor is not None
                and self.tier.price_minor > self.price_minor)

    @property
    def agreed_monthly_price(self) -> Money | None:
        return Money(self.price_minor, self.tier.currency) if self.price_minor is not None else None


class CheckoutStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired (payment did not finish in time)"


CHECKOUT_TRANSITIONS = TransitionTable("subscription checkout", {
    CheckoutStatus.PENDING: {CheckoutStatus.COMPLETED, CheckoutStatus.FAILED, CheckoutStatus.EXPIRED},
    CheckoutStatus.COMPLETED: set(),
    CheckoutStatus.FAILED: set(),
    CheckoutStatus.EXPIRED: set(),
})


class SubscriptionCheckout(models.Model):
    """A subscribe or upgrade whose payment awaits the fan (3-D Secure) or the provider's webhook."""

    class Kind(models.TextChoices):
        SUBSCRIBE = "subscribe", "Subscribe"
        UPGRADE = "upgrade", "Upgrade"

    Status = CheckoutStatus

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkouts")
    tier = models.ForeignKey("offers.Tier", on_delete=models.PROTECT, related_name="checkouts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUBSCRIBE)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="checkouts")
    months = models.PositiveSmallIntegerField(default=1)
    promotion = models.ForeignKey("offers.Promotion", null=True, blank=True, on_delete=models.SET_NULL)
    promotion_reserved = models.BooleanField(
        default=False, help_text="The promotion's claim is held for this checkout (released if it fails or expires).")
    payment_method = models.CharField(max_length=100, blank=True)
    payment_reference = models.CharField(max_length=64, db_index=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True,
                                      help_text="A pending checkout stops blocking the fan and frees its seat here.")

    class Meta:
        constraints = [choices_constraint("status", CheckoutStatus, "subscription_checkout_status_valid")]
        indexes = [models.Index(fields=["fan", "status"]), models.Index(fields=["tier", "status"])]

    def __str__(self) -> str:
        return f"checkout {self.pk} ({self.status})"
