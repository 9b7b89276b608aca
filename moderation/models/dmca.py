"""DMCA (17 U.S.C. 512): notices, counter-notices, copyright strikes and creators' outbound takedowns.

One field per statutory element: 512(c)(3)(A)(i)-(vi) on a notice, 512(g)(3)(A)-(D) on a counter-notice.
A notice's life is one transition table (NOTICE_TRANSITIONS); counter-notices only carry dates.
"""

import uuid

from django.conf import settings
from django.db import models

from common.state_machine import TransitionTable, choices_constraint


class NoticeStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "Incomplete (sender asked to complete it)"
    DISABLED = "disabled", "Valid: material disabled"
    COUNTERED = "countered", "Counter-notice received: restore window running"
    SUIT_FILED = "suit_filed", "Complainant reported a filed action: material stays down"
    RESTORED = "restored", "Material restored after the counter-notice"
    CLOSED = "closed", "Closed"


N = NoticeStatus
NOTICE_TRANSITIONS = TransitionTable("dmca_notice", {
    N.INCOMPLETE: {N.DISABLED, N.CLOSED},  # completed by the sender, or abandoned
    N.DISABLED: {N.COUNTERED, N.CLOSED},
    N.COUNTERED: {N.RESTORED, N.SUIT_FILED},
    N.SUIT_FILED: {N.CLOSED},
    N.RESTORED: set(),
    N.CLOSED: set(),
})

# The statutory elements, in the order of the statute, with the field that carries each.
NOTICE_ELEMENTS = (
    ("signature", "512(c)(3)(A)(i) physical or electronic signature"),
    ("copyrighted_work", "512(c)(3)(A)(ii) identification of the copyrighted work"),
    ("infringing_material", "512(c)(3)(A)(iii) identification and location of the infringing material"),
    ("contact_information", "512(c)(3)(A)(iv) contact information of the complaining party"),
    ("good_faith_statement", "512(c)(3)(A)(v) good-faith statement"),
    ("accuracy_statement", "512(c)(3)(A)(vi) accuracy and authority statement under penalty of perjury"),
)
COUNTER_NOTICE_ELEMENTS = (
    ("signature", "512(g)(3)(A) physical or electronic signature"),
    ("removed_material", "512(g)(3)(B) identification of the removed material and its location before removal"),
    ("good_faith_statement", "512(g)(3)(C) good-faith statement under penalty of perjury"),
    ("name", "512(g)(3)(D) name"),
    ("address", "512(g)(3)(D) address"),
    ("phone", "512(g)(3)(D) telephone number"),
    ("jurisdiction_consent", "512(g)(3)(D) consent to the jurisdiction of the Federal District Court"),
    ("service_consent", "512(g)(3)(D) agreement to accept service of process from the complainant"),
)


class DmcaNotice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.INCOMPLETE)
    # 512(c)(3)(A)(i)-(vi)
    signature = models.CharField(max_length=200, blank=True)
    copyrighted_work = models.TextField(blank=True)
    infringing_material = models.TextField(blank=True)
    contact_information = models.TextField(blank=True)
    good_faith_statement = models.BooleanField(default=False)
    accuracy_statement = models.BooleanField(default=False)
    missing_elements = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="dmca_notices_sent")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="dmca_notices_received")
    media_items = models.ManyToManyField("media.MediaItem", blank=True, related_name="dmca_notices")
    received_at = models.DateTimeField(auto_now_add=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [choices_constraint("status", NoticeStatus, "dmca_notice_status_valid")]

    def __str__(self) -> str:
        return f"DMCA notice {self.public_id} ({self.status})"


class CounterNotice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.OneToOneField(DmcaNotice, on_delete=models.CASCADE, related_name="counter_notice")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="dmca_counter_notices")
    # 512(g)(3)(A)-(D)
    signature = models.CharField(max_length=200)
    removed_material = models.TextField()
    good_faith_statement = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    address = models.TextField()
    phone = models.CharField(max_length=40)
    jurisdiction_consent = models.BooleanField(default=False)
    service_consent = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    forwarded_at = models.DateTimeField(null=True, blank=True)
    restore_from = models.DateField()  # the 10th business day after receipt
    restore_by = models.DateField()  # the 14th business day after receipt
    restored_at = models.DateTimeField(null=True, blank=True)
    suit_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["restore_from", "restored_at"])]

    def __str__(self) -> str:
        return f"counter-notice {self.public_id}"


class CopyrightStrike(models.Model):
    """One strike per account per valid notice; counts toward the repeat-infringer threshold until it
    expires or is reversed (restored after a counter-notice, or an upheld appeal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copyright_strikes")
    notice = models.ForeignKey(DmcaNotice, on_delete=models.CASCADE, related_name="strikes")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=40, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="copyright_strike_one_per_notice")]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"copyright strike {self.pk}"


class CreatorTakedown(models.Model):
    """A creator's own content leaked elsewhere: the platform files the notice as their agent, so the
    creator's legal name never appears in it (their public handle and the platform's agent do)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dmca_takedowns")
    original_media = models.ForeignKey("media.MediaItem", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    infringing_urls = models.TextField()
    work_description = models.TextField(blank=True)
    watermark_delivery_id = models.BigIntegerField(null=True, blank=True)  # forensic mark found in the leak
    notice_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"takedown {self.public_id}"
