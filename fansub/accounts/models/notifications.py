from django.conf import settings
from django.db import models

from common.state_machine import choices_constraint


class NotificationKind(models.TextChoices):
    NEW_POST = "new_post", "New posts from creators I follow or subscribe to"
    NEW_MESSAGE = "new_message", "New messages"
    REQUEST_UPDATE = "request_update", "Custom request updates"
    RENEWAL_REMINDER = "renewal_reminder", "Subscription renewal reminders"
    PAYOUT_PAID = "payout_paid", "Payouts paid"
    REFUND_UPDATE = "refund_update", "Refund requests"


# What a person gets when they never chose: in-app for everything, email for the things that need action.
DEFAULT_CHANNELS: dict[str, tuple[bool, bool]] = {
    NotificationKind.NEW_POST: (True, False),
    NotificationKind.NEW_MESSAGE: (True, True),
    NotificationKind.REQUEST_UPDATE: (True, True),
    NotificationKind.RENEWAL_REMINDER: (True, True),
    NotificationKind.PAYOUT_PAID: (True, True),
    NotificationKind.REFUND_UPDATE: (True, True),
}


class Notification(models.Model):
    """One in-app notification. ``ref`` names what it is about, so the same thing never notifies twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    ref = models.CharField(max_length=80, help_text="What the notification is about, e.g. post:12.")
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "ref"], name="notification_once"),
            choices_constraint("kind", NotificationKind, "notification_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class NotificationPreference(models.Model):
    """A person's choice of channels for one kind. No row: ``DEFAULT_CHANNELS``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            choices_constraint("kind", NotificationKind, "notification_preference_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} preference of {self.user_id}"
