"""Who is depicted in an adult post: tagged verified creators, or guests with a reviewed release."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.fields import EncryptedJSONField, EncryptedTextField
from common.state_machine import TransitionTable, choices_constraint


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


RELEASE_TRANSITIONS = TransitionTable("guest release", {
    ReleaseStatus.PENDING: {ReleaseStatus.APPROVED, ReleaseStatus.REJECTED},
    ReleaseStatus.APPROVED: set(), ReleaseStatus.REJECTED: set(),
})


class GuestRelease(models.Model):
    """A guest performer's signed model release and identity record (18 U.S.C. 2257 style), encrypted,
    reviewed by the Custodian of Records. Kept for the records retention period."""

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="guest_releases")
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING)
    legal_name = EncryptedTextField()
    date_of_birth = EncryptedTextField(help_text="ISO date, encrypted")
    aliases = EncryptedJSONField()
    id_document_path = models.CharField(max_length=200, help_text="Encrypted file in private storage")
    release_form_path = models.CharField(max_length=200, help_text="Encrypted file in private storage")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    retain_until = models.DateField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("review_guestrelease", "Can approve or reject guest performer releases")]
        constraints = [choices_constraint("status", ReleaseStatus, "guest_release_status_valid")]

    def __str__(self) -> str:
        return f"guest release {self.pk} ({self.status})"


class PostPerformer(models.Model):
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="performers")
    performer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="appearances")
    release = models.ForeignKey(GuestRelease, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appearances")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(performer__isnull=False, release__isnull=True)
                                   | Q(performer__isnull=True, release__isnull=False), name="performer_xor_release"),
            models.UniqueConstraint(fields=["post", "performer"], name="post_performer_once"),
            models.UniqueConstraint(fields=["post", "release"], name="post_release_once"),
        ]

    def __str__(self) -> str:
        return f"performer on post {self.post_id}"
