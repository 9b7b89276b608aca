from django.contrib import admin

from governance.admin_base import ReadOnlyAdmin
from governance.models import AuditLog
from governance.services.two_factor import has_staff_powers


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "actor_role", "action", "object_type", "object_id", "reason")
    list_filter = ("action", "actor_role")
    search_fields = ("action", "object_type", "object_id")
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return has_staff_powers(request.user)
