"""Known-bad hash matching: PDQ hash lists loaded by staff, the hashes of processed media, and what a
match leaves behind (a preservation record kept a year, a report task for the Child Safety group)."""

import uuid

from django.conf import settings
from django.db import models

from common.state_machine import TransitionTable, choices_constraint


class HashListKind(models.TextChoices):
    KNOWN_BAD = "known_bad", "Known-bad (a match quarantines and preserves)"
    DMCA_REUPLOAD = "dmca_reupload", "Removed under DMCA (a match refuses the upload)"


class HashList(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=HashListKind.choices, default=HashListKind.KNOWN_BAD)
    source = models.CharField(max_length=100, blank=True)  # e.g. the clearing house that supplied it
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [choices_constraint("kind", HashListKind, "hash_list_kind_valid")]

    def __str__(self) -> str:
        return self.name


class HashEntry(models.Model):
    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="entries")
    value = models.CharField(max_length=64)  # PDQ: 256 bits as 64 lowercase hex digits
    label = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hash_list", "value"], name="hash_entry_unique_per_list")]

    def __str__(self) -> str:
        return f"{self.value[:12]}… ({self.hash_list_id})"


class MediaHash(models.Model):
    """PDQ hash of one processed item (of each sampled frame for a video)."""

    media_item = models.ForeignKey("media.MediaItem", on_delete=models.CASCADE, related_name="pdq_hashes")
    value = models.CharField(max_length=64)
    quality = models.PositiveSmallIntegerField(default=0)
    frame = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["media_item", "frame"], name="media_hash_one_per_frame")]


class PreservationRecord(models.Model):
    """18 U.S.C. 2258A(h) as amended: a matched item and its metadata are kept one year. The item's files
    stay (held from deletion) until ``keep_until``; the metadata snapshot survives even the item row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    media_item = models.ForeignKey("media.MediaItem", null=True, on_delete=models.SET_NULL, related_name="+")
    media_public_id = models.UUIDField()
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    metadata = models.JSONField(default=dict)
    matched_entry = models.ForeignKey(HashEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    matched_list = models.CharField(max_length=100)
    distance = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    keep_until = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"preservation {self.public_id}"


class ChildSafetyReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IN_REVIEW = "in_review", "In review"
    REPORTED = "reported", "Reported to the clearing house"
    DISMISSED = "dismissed", "Dismissed (false match)"


C = ChildSafetyReportStatus
CHILD_SAFETY_REPORT_TRANSITIONS = TransitionTable("child_safety_report", {
    C.QUEUED: {C.IN_REVIEW},
    C.IN_REVIEW: {C.REPORTED, C.DISMISSED},
    C.REPORTED: set(),
    C.DISMISSED: set(),
})


class ChildSafetyReport(models.Model):
    """The report task a known-bad match queues: visible to the Child Safety staff group only."""

    preservation = models.OneToOneField(PreservationRecord, on_delete=models.PROTECT, related_name="report")
    status = models.CharField(max_length=10, choices=ChildSafetyReportStatus.choices, default=C.QUEUED)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")
        permissions = [("review_childsafetyreport", "Review child-safety hash-match reports")]
        constraints = [choices_constraint("status", ChildSafetyReportStatus, "child_safety_report_status_valid")]

    def __str__(self) -> str:
        return f"child-safety report {self.pk} ({self.status})"
