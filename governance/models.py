import uuid
from typing import Any, Never

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.errors import AppendOnlyError
from common.state_machine import TransitionTable, choices_constraint


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs) -> Never:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> Never:
        raise AppendOnlyError("The audit log is append-only.")


class AuditLog(models.Model):
    """Who did what to which object, when and why. Rows are never changed or deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> Never:
        raise AppendOnlyError("The audit log is append-only.")


class StaffTokenVerification(models.Model):
    """An API token minted after its staff owner passed the second factor in the same request.

    Only such a token carries staff powers, and only until ``expires_at``; every other token (a fan's, a
    creator's, a staff token minted before this rule) authenticates a plain user.
    """

    token = models.OneToOneField("authtoken.Token", on_delete=models.CASCADE, primary_key=True,
                                 related_name="staff_verification")
    device_id = models.CharField(max_length=255)  # django-otp persistent id of the device that verified
    verified_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"staff token verified until {self.expires_at:%Y-%m-%d %H:%M}"


# --- data-subject requests, legal holds, retention (issue 14) ------------------------------------------------

class DsarKind(models.TextChoices):
    ACCESS = "access", "Access (Art. 15)"
    PORTABILITY = "portability", "Portability (Art. 20)"
    ERASURE = "erasure", "Erasure (Art. 17)"
    RECTIFICATION = "rectification", "Rectification (Art. 16)"


class DsarStatus(models.TextChoices):
    RECEIVED = "received", "Received (identity not yet confirmed)"
    IN_PROGRESS = "in_progress", "In progress"
    PARTIALLY_COMPLETED = "partially_completed", "Done except records under a legal hold"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused (with reason and the right to complain)"
    WITHDRAWN = "withdrawn", "Withdrawn by the person"


class IdentityMethod(models.TextChoices):
    NONE = "", "Not yet confirmed"
    SESSION_REAUTH = "session_reauth", "Signed-in session and a fresh password"
    STAFF_VERIFIED = "staff_verified", "Verified by Privacy staff"


class DataSubjectRequest(models.Model):
    """A person's GDPR request (Art. 12, 15, 16, 17, 20): due one calendar month after receipt."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(max_length=16, choices=DsarKind.choices)
    status = models.CharField(max_length=20, choices=DsarStatus.choices, default=DsarStatus.RECEIVED, db_index=True)
    channel = models.CharField(max_length=10, default="self", help_text="self (page/API) or staff (on behalf)")
    details = models.TextField(blank=True, help_text="What the person asks to rectify (rectification only).")
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    extended_due_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    identity_method = models.CharField(max_length=20, choices=IdentityMethod.choices, blank=True)
    identity_confirmed_at = models.DateTimeField(null=True, blank=True)
    identity_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+")
    identity_evidence = models.TextField(blank=True, help_text="How staff verified the person (never a copy of ID).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    refusal_reason = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    export_key = models.CharField(max_length=255, blank=True)
    export_expires_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("due_at", "id")
        verbose_name = "data-subject request"
        permissions = [("handle_dsar", "Can take, verify, extend, refuse and run data-subject requests")]
        constraints = [
            choices_constraint("status", DsarStatus, "dsar_status_valid"),
            choices_constraint("kind", DsarKind, "dsar_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {str(self.public_id)[:8]}"

    @property
    def effective_due_at(self) -> Any:
        return self.extended_due_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.status in (DsarStatus.RECEIVED, DsarStatus.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.effective_due_at < timezone.now()


DSAR_TRANSITIONS = TransitionTable("data-subject request", {
    DsarStatus.RECEIVED: {DsarStatus.IN_PROGRESS, DsarStatus.REFUSED, DsarStatus.WITHDRAWN},
    DsarStatus.IN_PROGRESS: {DsarStatus.COMPLETED, DsarStatus.PARTIALLY_COMPLETED, DsarStatus.REFUSED},
    DsarStatus.PARTIALLY_COMPLETED: {DsarStatus.COMPLETED},
})


class HoldStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"


HOLD_TRANSITIONS = TransitionTable("legal hold", {HoldStatus.ACTIVE: {HoldStatus.RELEASED}})


class LegalHold(models.Model):
    """Records that must not be erased or expired: a person's (optionally only some models) or an object set."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, help_text="Matter or case name, shown in refusals.")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="legal_holds")
    model_labels = models.JSONField(default=list, blank=True,
                                    help_text='Registered models held, e.g. ["messaging.Message"]; empty = all.')
    object_ids = models.JSONField(default=list, blank=True,
                                  help_text="Primary keys held (with exactly one model label); empty = all rows.")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE, db_index=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-placed_at",)
        permissions = [("manage_legalhold", "Can place and release legal holds")]
        constraints = [choices_constraint("status", HoldStatus, "legal_hold_status_valid")]

    def __str__(self) -> str:
        return f"hold {self.name} ({self.status})"


class RetainedRecord(models.Model):
    """A record an erasure kept: which, why (legal basis) and until when. Listed in the erasure report."""

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="retained")
    model_label = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64)
    basis = models.CharField(max_length=20, help_text='"legal obligation" or "legal hold"')
    reason = models.TextField()
    keep_until = models.DateField(null=True, blank=True)
    hold = models.ForeignKey(LegalHold, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model_label", "object_pk", "basis"],
                                               name="retained_record_once_per_basis")]

    def __str__(self) -> str:
        return f"{self.model_label}:{self.object_pk} kept ({self.basis})"


class RetentionRun(models.Model):
    """One run of the retention job: what each rule deleted or emptied, and what it left for holds."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    skipped_for_holds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"retention run {self.started_at:%Y-%m-%d %H:%M}"
