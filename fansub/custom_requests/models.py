"""Paid custom requests with held funds."""

from django.conf import settings
from django.db import models

from common.state_machine import TransitionTable, choices_constraint
from payments.money import Money


class RequestType(models.TextChoices):
    PHOTO_SET = "photo_set", "Photo set"
    VIDEO = "video", "Video"
    VOICE = "voice", "Voice"
    OTHER = "other", "Other"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    COUNTERED = "countered", "Countered by the creator"
    ACCEPTED = "accepted", "Accepted (funds held)"
    DELIVERED = "delivered", "Delivered"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    REFUNDED = "refunded", "Refunded"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved"


R = RequestStatus
REQUEST_TRANSITIONS = TransitionTable("custom request", {
    R.SUBMITTED: {R.COUNTERED, R.ACCEPTED, R.DECLINED, R.WITHDRAWN, R.EXPIRED},
    R.COUNTERED: {R.SUBMITTED, R.ACCEPTED, R.DECLINED, R.WITHDRAWN, R.EXPIRED},
    R.ACCEPTED: {R.DELIVERED, R.REFUNDED},
    R.DELIVERED: {R.COMPLETED, R.DISPUTED},
    R.DISPUTED: {R.RESOLVED},
    R.COMPLETED: set(), R.DECLINED: set(), R.WITHDRAWN: set(), R.EXPIRED: set(), R.REFUNDED: set(),
    R.RESOLVED: set(),
})
OPEN_STATES = (R.SUBMITTED, R.COUNTERED, R.ACCEPTED, R.DELIVERED, R.DISPUTED)


class RequestSettings(models.Model):
    """A creator's terms for custom requests. ``min_prices`` maps request type -> minimum in minor units."""

    creator = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_settings")
    enabled = models.BooleanField(default=False)
    min_prices = models.JSONField(default=dict)
    currency = models.CharField(max_length=3, default="USD")
    turnaround_days = models.PositiveSmallIntegerField(default=7)
    slots = models.PositiveSmallIntegerField(default=5, help_text="Most requests open at once.")
    prohibited_topics = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"request settings of {self.creator_id}"


class CustomRequest(models.Model):
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_made")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_received")
    kind = models.CharField(max_length=10, choices=RequestType.choices)
    description = models.TextField(max_length=4000)
    price_minor = models.PositiveIntegerField(help_text="The price currently on the table.")
    currency = models.CharField(max_length=3)
    desired_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=R.SUBMITTED, db_index=True)
    respond_by = models.DateTimeField(help_text="Auto-declined if the creator has not accepted by then.")
    deliver_by = models.DateTimeField(null=True, blank=True)
    review_until = models.DateTimeField(null=True, blank=True, help_text="Auto-completes at this time.")
    payment_method = models.CharField(max_length=100, blank=True)
    payment_reference = models.CharField(max_length=64, blank=True)
    paying_until = models.DateTimeField(
        null=True, blank=True, help_text="An accept's payment is running: other accepts are refused until then.")
    delivery_note = models.TextField(blank=True, max_length=2000)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True, max_length=2000)
    resolution = models.CharField(max_length=20, blank=True)  # released | refunded | partially_refunded
    resolution_note = models.TextField(blank=True)
    refunded_minor = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "respond_by"]), models.Index(fields=["status", "deliver_by"]),
                   models.Index(fields=["status", "review_until"])]
        constraints = [choices_constraint("status", RequestStatus, "custom_request_status_valid")]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.status})"

    @property
    def price(self) -> Money:
        return Money(self.price_minor, self.currency)


class CustomRequestStep(models.Model):
    """The request's history: each transition with who made it and the price at that point."""

    request = models.ForeignKey(CustomRequest, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    price_minor = models.PositiveIntegerField()
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(from_status__in=["", *RequestStatus.values])
                                   & models.Q(to_status__in=RequestStatus.values), name="custom_request_step_statuses"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"
