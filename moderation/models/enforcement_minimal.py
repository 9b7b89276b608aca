"""Payout freezes (minimal version; the T&S engineer's implementation replaces this at merge)."""

from django.conf import settings
from django.db import models


class PayoutFreeze(models.Model):
    """While a row is open (lifted_at empty), payout runs skip the creator (payments asks PAYOUTS_BLOCKED)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payout_freezes")
    reason = models.CharField(max_length=64)  # a reason code, never free text
    source = models.CharField(max_length=32, default="moderation")
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "lifted_at"])]

    def __str__(self) -> str:
        return f"payout freeze {self.pk} ({self.reason})"
