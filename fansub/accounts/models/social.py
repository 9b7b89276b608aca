from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Follow(models.Model):
    """A free follow. Expired subscribers become followers."""

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fan", "creator"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(fan=F("creator")), name="follow_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.fan_id} follows {self.creator_id}"


class Block(models.Model):
    """``blocker`` refuses all contact from and access by ``blocked`` (either side may block)."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
