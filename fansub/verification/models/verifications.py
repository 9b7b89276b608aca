"""Verification records: fan age checks (minimal by law) and creator identity records (2257, encrypted)."""

from django.conf import settings
from django.db import models

from common.fields import EncryptedJSONField, EncryptedTextField
from common.state_machine import TransitionTable, choices_constraint


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


S = VerificationStatus

# One table for both kinds of verification record. Rejected and expired are final: a new attempt is a new row.
VERIFICATION_TRANSITIONS = TransitionTable("verification", {
    S.PENDING: {S.APPROVED, S.REJECTED, S.EXPIRED},
    S.APPROVED: {S.EXPIRED},
    S.REJECTED: set(),
    S.EXPIRED: set(),
})


class AgeCheck(models.Model):
    """One age-assurance attempt of a fan.

    Deliberately holds only provider, provider reference, method, result, time and jurisdiction: no birth
    date, document, selfie or face data ever reaches this database (several US state laws forbid keeping it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="age_checks")
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=100)
    method = models.CharField(max_length=40)
    jurisdiction = models.CharField(max_length=6, blank=True, help_text="ISO 3166 code the check was made under")
    status = models.CharField(max_length=10, choices=S.choices, default=S.PENDING, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="agecheck_provider_ref_unique"),
            models.CheckConstraint(condition=~models.Q(status="approved") | models.Q(expires_at__isnull=False),
                                   name="agecheck_approved_has_expiry"),
            choices_constraint("status", VerificationStatus, "agecheck_status_valid"),
        ]
        indexes = [models.Index(fields=["user", "status", "-decided_at"])]

    def __str__(self) -> str:
        return f"age check {self.pk} ({self.status})"


class AgeWebhookReceipt(models.Model):
    """A provider callback we accepted. Unique per (provider, reference): a replay cannot be processed twice.

    The raw body is not kept (a provider could include an estimated age or birth date); its hash is.
    """

    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=100)
    signed_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    body_sha256 = models.CharField(max_length=64)
    outcome = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "provider_reference"],
                                               name="agewebhook_provider_ref_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_reference} {self.outcome}"


class IdentityVerification(models.Model):
    """A creator's identity verification: the reviewable state. The personal data sits in ProducerRecord."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="identity_verifications")
    provider = models.CharField(max_length=40, default="manual", help_text="manual = staff review in the admin")
    provider_reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=S.choices, default=S.PENDING, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_reason = models.TextField(blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="The ID document's expiry date")

    class Meta:
        permissions = [("review_identityverification", "Can approve, reject or expire identity verifications")]
        constraints = [
            # At most one open (pending or approved) verification per creator, enforced by the database.
            models.UniqueConstraint(fields=["user"], condition=models.Q(status__in=["pending", "approved"]),
                                    name="identity_one_open_per_user"),
            choices_constraint("status", VerificationStatus, "identity_verification_status_valid"),
        ]
        ordering = ("-submitted_at",)

    def __str__(self) -> str:
        return f"identity verification {self.pk} ({self.status})"


class IdDocumentType(models.TextChoices):
    PASSPORT = "passport", "Passport"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    NATIONAL_ID = "national_id", "National identity card"


class ProducerRecord(models.Model):
    """The 18 U.S.C. 2257 / 28 CFR 75 record of a performer. Every personal field is encrypted at rest.

    Visible only to the Custodian of Records group (every view audited), retained until ``retain_until`` even
    after the account is erased. The ID copy and selfie are encrypted files in private storage.
    """

    verification = models.OneToOneField(IdentityVerification, on_delete=models.PROTECT, related_name="record")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="producer_records")
    legal_name = EncryptedTextField()
    date_of_birth = EncryptedTextField(help_text="ISO date, encrypted")
    aliases = EncryptedJSONField(help_text="Every alias and stage name, encrypted")
    id_document_type = models.CharField(max_length=20, choices=IdDocumentType.choices)
    id_document_country = models.CharField(max_length=2)
    id_document_path = models.CharField(max_length=200, help_text="Encrypted file in private storage")
    selfie_path = models.CharField(max_length=200, help_text="Encrypted file in private storage")
    created_at = models.DateTimeField(auto_now_add=True)
    retain_until = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"producer record {self.pk}"
