"""Base class for every ModelAdmin: each add, change, delete and action lands in the audit log."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from governance.services import audit


class AuditedModelAdmin(admin.ModelAdmin):
    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit.record(actor=request.user, action="admin.add", obj=obj, details={"change": _plain(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit.record(actor=request.user, action="admin.change", obj=obj, details={"change": _plain(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: models.QuerySet) -> Any:
        for obj in queryset:
            audit.record(actor=request.user, action="admin.delete", obj=obj)
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(AuditedModelAdmin):
    """For append-only records (ledger, audit, events): staff may look, nobody may edit."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _plain(message: Any) -> Any:
    # Admin change messages are JSON-able lists of field names; never the field values.
    return message if isinstance(message, list | str) else str(message)
