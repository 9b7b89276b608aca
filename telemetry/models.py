import uuid

from django.db import models


class OutboxEvent(models.Model):
    """Transactional outbox: written in the caller's transaction, published to the lake later."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=100, db_index=True)
    schema_version = models.CharField(max_length=20)
    envelope = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["published_at", "id"], name="outbox_unpublished_idx"),
            # The publisher's queue: pending rows, fewest failed attempts first (see publisher.py).
            models.Index(fields=["attempts", "id"], condition=models.Q(published_at__isnull=True),
                         name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class DeadLetterEvent(models.Model):
    """An event that failed validation. Kept for repair, never dropped silently."""

    event_type = models.CharField(max_length=100, db_index=True)
    error_code = models.CharField(max_length=50)  # EVENT_SCHEMA_INVALID | EVENT_ENVELOPE_INVALID | ...
    error = models.TextField()
    envelope = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.error_code} {self.event_type}"


class MetricCounter(models.Model):
    """Operational counters (error codes of §1.13.L) with their labels; exported to CloudWatch later."""

    name = models.CharField(max_length=100)
    labels = models.CharField(max_length=200, default="", blank=True)
    value = models.BigIntegerField(default=0)
    pushed_value = models.BigIntegerField(default=0)  # value already sent to CloudWatch (metrics.push_to_cloudwatch)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "labels"], name="metric_counter_unique")]

    def __str__(self) -> str:
        return f"{self.name}{{{self.labels}}}={self.value}"


class PseudonymSalt(models.Model):
    """A person's own salt in their pseudonym (crypto-shredding): deleting the row at erasure makes every
    pseudonymous id already in the lake unlinkable to the person, and the person's later ids unrelated."""

    kind = models.CharField(max_length=40)
    local_id = models.CharField(max_length=64)
    salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "local_id"], name="pseudonym_salt_once")]

    def __str__(self) -> str:
        return f"salt for {self.kind}:{self.local_id}"
