"""Read-only admin views of the event pipeline: the outbox, dead letters and operational counters.

Payloads hold pseudonymous ids only (schema-checked and PII-scanned at emit), so every active staff
member may look; nobody may edit, since these rows are the record of what was (or was not) published.
"""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from governance.admin_base import ReadOnlyAdmin
from governance.services.two_factor import has_staff_powers
from telemetry.models import DeadLetterEvent, MetricCounter, OutboxEvent


class StaffReadOnlyAdmin(ReadOnlyAdmin):
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_staff_powers(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_staff_powers(request.user)


def _pretty(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


class PublishedFilter(admin.SimpleListFilter):
    title = "published"
    parameter_name = "published"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Published"), ("no", "Waiting")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in {"yes", "no"}:
            return queryset.filter(published_at__isnull=self.value() == "no")
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(StaffReadOnlyAdmin):
    list_display = ("created_at", "event_type", "schema_version", "published_at", "attempts", "last_error")
    list_filter = (PublishedFilter, "event_type")
    search_fields = ("=event_id", "event_type")
    date_hierarchy = "created_at"
    fields = ("event_id", "event_type", "schema_version", "created_at", "published_at", "attempts",
              "last_error", "envelope_json")
    readonly_fields = fields
    show_full_result_count = False  # the outbox grows large: skip the extra COUNT(*)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("envelope")  # lists never show it; the detail page loads it

    @admin.display(description="envelope")
    def envelope_json(self, obj: OutboxEvent) -> str:
        return _pretty(obj.envelope)


@admin.register(DeadLetterEvent)
class DeadLetterEventAdmin(StaffReadOnlyAdmin):
    list_display = ("created_at", "event_type", "error_code", "short_error")
    list_filter = ("error_code", "event_type")
    search_fields = ("event_type", "error")
    date_hierarchy = "created_at"
    fields = ("event_type", "error_code", "error", "created_at", "envelope_json")
    readonly_fields = fields

    @admin.display(description="error")
    def short_error(self, obj: DeadLetterEvent) -> str:
        return obj.error[:120]

    @admin.display(description="envelope")
    def envelope_json(self, obj: DeadLetterEvent) -> str:
        return _pretty(obj.envelope)


@admin.register(MetricCounter)
class MetricCounterAdmin(StaffReadOnlyAdmin):
    list_display = ("name", "labels", "value", "updated_at")
    list_filter = ("name",)
    search_fields = ("name", "labels")
    ordering = ("name", "labels")
