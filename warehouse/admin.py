from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from governance.admin_base import ReadOnlyAdmin
from warehouse.charts import bars
from warehouse.models import QueryScan
from warehouse.services import dashboards


@admin.register(QueryScan)
class QueryScanAdmin(ReadOnlyAdmin):
    """What dashboard queries scanned; the staff dashboards hang off this admin (each behind its permission)."""

    list_display = ("ran_at", "engine", "dashboard", "query_name", "bytes_scanned", "files_scanned", "files_total")
    list_filter = ("engine", "dashboard")
    date_hierarchy = "ran_at"
    change_list_template = "warehouse/admin/queryscan_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        board = path("dashboards/<slug:key>/", self.admin_site.admin_view(self.dashboard_view),
                     name="warehouse_dashboard")
        return [board, *super().get_urls()]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or bool(dashboards.visible_to(request.user))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {**(extra_context or {}), "dashboards": dashboards.visible_to(request.user)}
        return super().changelist_view(request, extra_context=context)

    def dashboard_view(self, request: HttpRequest, key: str) -> HttpResponse:
        board = dashboards.DASHBOARDS.get(key)
        if board is None:
            raise Http404
        if not request.user.has_perm(board.permission):
            raise PermissionDenied
        snapshot = dashboards.snapshot(key)
        for dataset in (snapshot or {}).get("datasets", []):
            dataset["svg"] = bars(dataset) if dataset.get("chart") else ""
        return render(request, "warehouse/admin/dashboard.html", {
            **self.admin_site.each_context(request), "title": f"{board.title} dashboard", "board": board,
            "snapshot": snapshot, "dashboards": dashboards.visible_to(request.user)})
