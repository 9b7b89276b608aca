"""Provider webhooks: every raw request is kept first, then one row per provider event id."""

from django.db import models

from common.state_machine import TransitionTable, choices_constraint


class DeliveryOutcome(models.TextChoices):
    RECEIVED = "received", "Received"
    INVALID_SIGNATURE = "invalid_signature", "Invalid signature"
    LIVEMODE_MISMATCH = "livemode_mismatch", "Live/test mode mismatch"
    ACCEPTED = "accepted", "Accepted"
    DUPLICATE = "duplicate", "Duplicate of an event already handled"
    FAILED = "failed", "Processing failed (retryable)"


# A delivery is received once and gets one outcome; a retry by the provider is a new delivery.
DELIVERY_TRANSITIONS = TransitionTable("webhook delivery", {
    DeliveryOutcome.RECEIVED: set(DeliveryOutcome) - {DeliveryOutcome.RECEIVED},
})


class WebhookDelivery(models.Model):
    """Every authentic POST to a webhook endpoint, stored once its signature is verified (refusals are only counted)."""

    Outcome = DeliveryOutcome

    provider = models.CharField(max_length=30)
    raw_body = models.BinaryField()
    signature_header = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED)
    event = models.ForeignKey("payments.WebhookEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="deliveries")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [choices_constraint("outcome", DeliveryOutcome, "webhook_delivery_outcome_valid")]

    def __str__(self) -> str:
        return f"{self.provider} delivery {self.pk} {self.outcome}"


class WebhookEventStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored (no handler / not ours)"
    FAILED = "failed", "Failed (will be retried)"


W = WebhookEventStatus
WEBHOOK_EVENT_TRANSITIONS = TransitionTable("webhook event", {
    # processing -> *: a delivery (or a redelivery of an abandoned one) finished processing it;
    # failed -> *: a redelivery processed it again.
    W.PROCESSING: {W.PROCESSED, W.IGNORED, W.FAILED},
    W.FAILED: {W.PROCESSED, W.IGNORED, W.FAILED},
    W.PROCESSED: set(),
    W.IGNORED: set(),
})


class WebhookEvent(models.Model):
    Status = WebhookEventStatus

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=100, blank=True)
    livemode = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_unique"),
                       choices_constraint("status", WebhookEventStatus, "webhook_event_status_valid")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id} {self.status}"
