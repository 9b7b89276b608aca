"""State of the built-in payment simulator: the 'processor side', so that the web process, the
Celery worker and the reconcile command all see the same payment intents, refunds and payouts."""

from django.db import models


class SimulatorObject(models.Model):
    kind = models.CharField(max_length=20)  # payment_intent | refund | payout | dispute | account
    object_id = models.CharField(max_length=60, unique=True)
    idempotency_key = models.CharField(max_length=150, null=True, blank=True, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.object_id
