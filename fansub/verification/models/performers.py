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


class ElectronicReleaseStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the tagged creator"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"


E_RELEASE_TRANSITIONS = TransitionTable("electronic release", {
    ElectronicReleaseStatus.PENDING: {ElectronicReleaseStatus.SIGNED, ElectronicReleaseStatus.DECLINED},
    ElectronicReleaseStatus.SIGNED: set(), ElectronicReleaseStatus.DECLINED: set(),
})


class ElectronicRelease(models.Model):
    """A co-performer's in-app, e-signed model release for one post: the tagged creator's consent.

    The evidence (consent to electronic records, the SHA-256 of the exact release text shown, the typed
    signature, signer, time and IP address) is part of the producer records: kept for the records retention
    period, shown to the Custodian of Records only, and never put in an event. Together with the signer's
    approved identity verification it replaces an uploaded ID scan and release form."""

    Status = ElectronicReleaseStatus

    tag = models.OneToOneField(PostPerformer, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="electronic_release")
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="e_releases")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ElectronicReleaseStatus.choices,
                              default=ElectronicReleaseStatus.PENDING)
    text_version = models.CharField(max_length=20, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the exact release text signed")
    consented_to_electronic_records = models.BooleanField(default=False)
    signature_name = EncryptedTextField(blank=True, help_text="The name the signer typed as their signature")
    signed_ip = models.GenericIPAddressField(null=True, blank=True, help_text="Evidence only (producer records)")
    decided_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            choices_constraint("status", ElectronicReleaseStatus, "e_release_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(consented_to_electronic_records=True, decided_at__isnull=False)
                & ~Q(text_sha256=""),
                name="e_release_signed_has_evidence"),
        ]

    def __str__(self) -> str:
        return f"e-signed release {self.pk} ({self.status})"
