from django.contrib import admin

from governance.admin_base import ReadOnlyAdmin
from warehouse.models import QueryScan


@admin.register(QueryScan)
class QueryScanAdmin(ReadOnlyAdmin):
    list_display = ("ran_at", "engine", "dashboard", "query_name", "bytes_scanned", "files_scanned", "files_total")
    list_filter = ("engine", "dashboard")
    date_hierarchy = "ran_at"
