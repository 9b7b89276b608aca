from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint
from payments.money import Money


class TipStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    SUCCEEDED = "succeeded", "Paid"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


T = TipStatus
TIP_TRANSITIONS = TransitionTable("tip", {
    # pending -> refunded: the payment succeeded and was refunded before the tip heard of its success.
    T.PENDING: {T.SUCCEEDED, T.FAILED, T.REFUNDED},
    T.SUCCEEDED: {T.REFUNDED},
    T.FAILED: set(),
    T.REFUNDED: {T.SUCCEEDED},  # the refund failed at the provider after it had succeeded: the tip stands
})


class Tip(models.Model):
    """A tip to a creator: on a post, on the profile, or in a message thread."""

    Status = TipStatus

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tips_sent")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tips_received")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    note = models.TextField(blank=True, max_length=500)
    is_anonymous = models.BooleanField(default=False, help_text="Hide the fan's handle from the public.")
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="tips")
    thread = models.ForeignKey("messaging.MessageThread", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="tips")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=100)
    payment_reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fan", "idempotency_key"], name="tip_idempotency"),
                       choices_constraint("status", TipStatus, "tip_status_valid")]
        indexes = [models.Index(fields=["creator", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"tip {self.pk} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class MessageUnlock(models.Model):
    """A fan's purchase of a pay-per-view message. Permanent unless refunded (revoked)."""

    message = models.ForeignKey("messaging.Message", on_delete=models.PROTECT, related_name="unlocks")
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="message_unlocks")
    payment_reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "fan"], condition=Q(revoked_at__isnull=True),
                                               name="message_unlock_one_live")]

    def __str__(self) -> str:
        return f"unlock of message {self.message_id} by {self.fan_id}"


class PostPurchase(models.Model):
    """A fan's pay-per-view unlock of a post. Permanent unless refunded (revoked)."""

    post = models.ForeignKey("posts.Post", on_delete=models.PROTECT, related_name="purchases")
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="post_purchases")
    payment_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "fan"], condition=Q(revoked_at__isnull=True),
                                               name="post_purchase_one_live")]

    def __str__(self) -> str:
        return f"unlock of {self.post_id} by {self.fan_id}"


class PostPurchaseItem(models.Model):
    """What a post purchase bought: the media attached to the post when it was bought. The buyer keeps these
    items (their finals, on the post's card) even after the creator detaches them from the post."""

    purchase = models.ForeignKey(PostPurchase, on_delete=models.CASCADE, related_name="items")
    media_item = models.ForeignKey("media.MediaItem", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["purchase", "media_item"], name="post_purchase_item_once")]

    def __str__(self) -> str:
        return f"item {self.media_item_id} of purchase {self.purchase_id}"
