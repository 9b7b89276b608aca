from typing import Never

from django.conf import settings
from django.db import models

from common.errors import AppendOnlyError


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
