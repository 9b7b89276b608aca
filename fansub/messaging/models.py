"""Direct messages between a fan and a creator, and a creator's mass messages to a segment."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from common.state_machine import TransitionTable, choices_constraint


class MessagePolicy(models.TextChoices):
    ANYONE = "anyone", "Anyone"
    FOLLOWERS = "followers", "Followers and subscribers"
    SUBSCRIBERS = "subscribers", "Subscribers only"


def price_pair_constraint(prefix: str) -> models.CheckConstraint:
    """A pay-per-view price and its currency are set together (or both left empty); a price is never negative."""
    return models.CheckConstraint(
        condition=(Q(price_minor__isnull=True, currency="")
                   | (Q(price_minor__isnull=False, price_minor__gte=0) & ~Q(currency=""))),
        name=f"{prefix}_price_has_currency")


class MessageThread(models.Model):
    """One conversation per fan–creator pair. Text is stored for the two parties only."""

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fan_threads")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_threads")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    fan_last_read_at = models.DateTimeField(null=True, blank=True)
    creator_last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fan", "creator"], name="thread_one_per_pair"),
            models.CheckConstraint(condition=~Q(fan=F("creator")), name="thread_two_people"),
        ]

    def __str__(self) -> str:
        return f"thread {self.pk}"

    def has_participant(self, user_id: int | None) -> bool:
        return user_id in (self.fan_id, self.creator_id)


class MassMessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    HALTED = "halted", "Stopped: a gate no longer held at delivery"


class MassMessage(models.Model):
    class Segment(models.TextChoices):
        SUBSCRIBERS = "subscribers", "All current subscribers"
        TIERS = "tiers", "Subscribers of chosen tiers"
        FOLLOWERS = "followers", "Followers"
        EXPIRED = "expired", "Expired subscribers"
        BUYERS = "buyers", "Past tippers and buyers"

    Status = MassMessageStatus

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mass_messages")
    text = models.TextField(max_length=5000)
    segment = models.CharField(max_length=12, choices=Segment.choices)
    tier_ids = models.JSONField(default=list, blank=True)
    price_minor = models.PositiveIntegerField(null=True, blank=True, help_text="Pay-per-view price, if any.")
    currency = models.CharField(max_length=3, blank=True)
    media_item_ids = models.JSONField(default=list, blank=True, help_text="Vault items every copy carries.")
    skipped_count = models.PositiveIntegerField(default=0, help_text="Fans already sent or sold this media.")
    gated_count = models.PositiveIntegerField(
        default=0, help_text="Fans skipped at delivery because they may not see adult content right then.")
    halt_reason = models.CharField(max_length=40, blank=True, help_text="The error code that stopped delivery.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    recipients_total = models.PositiveIntegerField(default=0)
    delivered_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            price_pair_constraint("mass_message"),
            choices_constraint("status", MassMessageStatus, "mass_message_status_valid"),
        ]

    def __str__(self) -> str:
        return f"mass message {self.pk} ({self.status})"


MS = MassMessage.Status
# queued -> sending -> sent; sending -> sending is a delivery run resumed after a crash. A gate re-checked per
# batch at delivery (the sender's performer records, a verified seller) that no longer holds stops it: halted.
MASS_MESSAGE_TRANSITIONS = TransitionTable("mass message", {
    MS.QUEUED: {MS.SENDING, MS.HALTED},
    MS.SENDING: {MS.SENDING, MS.SENT, MS.HALTED},
    MS.SENT: set(),
    MS.HALTED: set(),
})


class Message(models.Model):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages")
    text = models.TextField(max_length=5000, blank=True)
    mass_message = models.ForeignKey(MassMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="messages")
    price_minor = models.PositiveIntegerField(null=True, blank=True, help_text="Pay-per-view price, if any.")
    currency = models.CharField(max_length=3, blank=True)
    tip = models.OneToOneField("purchases.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_adult = models.BooleanField(default=False, help_text="From an adult creator or carrying adult media: shown "
                                                             "only to those who may view adult material.")
    created_at = models.DateTimeField(auto_now_add=True)
    unsent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["thread", "created_at"])]
        constraints = [price_pair_constraint("message")]

    def __str__(self) -> str:
        return f"message {self.pk}"


class MassMessageRecipient(models.Model):
    """Who a mass message went to, one row per recipient."""

    mass_message = models.ForeignKey(MassMessage, on_delete=models.CASCADE, related_name="recipients")
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mass_messages_received")
    message = models.OneToOneField(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mass_message", "fan"], name="mass_recipient_once")]

    def __str__(self) -> str:
        return f"recipient {self.fan_id} of {self.mass_message_id}"
