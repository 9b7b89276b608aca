"""The admin: the audit-log viewer and the Privacy desk (requests queue, holds, kept records, retention runs).

Every change goes through the governance services (which check the Privacy permissions and the second
factor, audit and emit); the admin only parses forms and shows results.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from common.errors import DomainError
from governance.admin_base import ReadOnlyAdmin
from governance.forms import DsarActionForm, DsarOnBehalfForm, LegalHoldForm, ReasonForm
from governance.models import AuditLog, DataSubjectRequest, LegalHold, RetainedRecord, RetentionRun
from governance.services import audit, dsar, export, holds
from governance.services.dsar_state import may_handle
from governance.services.two_factor import has_staff_powers


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "actor_role", "action", "object_type", "object_id", "reason")
    list_filter = ("action", "actor_role", "object_type", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("action", "object_type", "object_id", "reason", "actor__email", "actor__handle")
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return has_staff_powers(request.user)


def _find_person(text: str) -> Any:
    text = (text or "").strip()
    if not text:
        return None
    person = get_user_model().objects.filter(Q(email__iexact=text) | Q(handle__iexact=text)).first()
    if person is None:
        raise DomainError("No account has this email or handle.", details={"subject": ["No such person."]})
    return person


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnlyAdmin):
    """The queue: open requests first by due date, overdue marked."""

    list_display = ("short_id", "subject", "kind", "status", "channel", "received_at", "due", "overdue",
                    "progress", "export_link")
    list_filter = ("status", "kind", "channel")
    search_fields = ("public_id", "subject__email", "subject__handle")
    list_select_related = ("subject",)
    readonly_fields = ("public_id", "subject", "kind", "status", "channel", "details", "received_at", "due_at",
                       "extended_due_at", "extension_reason", "extension_notified_at", "identity_method",
                       "identity_confirmed_at", "identity_confirmed_by", "identity_evidence", "created_by",
                       "refusal_reason", "progress", "export_link", "export_expires_at", "erasure_report",
                       "completed_at")
    exclude = ("report", "export_key")
    change_form_template = "admin/governance/dsar_change_form.html"
    change_list_template = "admin/governance/dsar_change_list.html"

    @admin.display(description="id")
    def short_id(self, obj: DataSubjectRequest) -> str:
        return str(obj.public_id)[:8]

    @admin.display(description="due", ordering="due_at")
    def due(self, obj: DataSubjectRequest) -> Any:
        return obj.effective_due_at

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj: DataSubjectRequest) -> bool:
        return obj.is_overdue

    @admin.display(description="export")
    def export_link(self, obj: DataSubjectRequest) -> str:
        if obj.export_key and obj.export_expires_at and obj.export_expires_at > timezone.now():
            url = reverse("admin:governance_datasubjectrequest_export", args=[obj.pk])
            return format_html('<a href="{}">download</a>', url)
        return "—"

    @admin.display(description="erasure report")
    def erasure_report(self, obj: DataSubjectRequest) -> str:
        report = obj.report or {}
        if not report.get("erased") and not report.get("kept"):
            return "—"
        kept = format_html_join("", "<li>kept: {} ({} records) — {}</li>",
                                ((k["model"], len(k["records"]), k["basis"]) for k in report.get("kept", [])))
        refused = format_html_join("", "<li>{}: {}</li>",
                                   ((r["code"], r["message"]) for r in report.get("refused", [])))
        erased = format_html_join("", "<li>{}: {} {}</li>",
                                  ((e["model"], e["rule"], e["count"]) for e in report.get("erased", [])))
        return format_html("<ul>{}{}{}</ul>", refused, kept, erased)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("completed_at", "due_at")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_staff_powers(request.user) and request.user.has_perm("governance.view_datasubjectrequest")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("new/", view(self.on_behalf_view), name="governance_datasubjectrequest_new"),
            path("<int:pk>/act/", view(self.act_view), name="governance_datasubjectrequest_act"),
            path("<int:pk>/export/", view(self.export_view), name="governance_datasubjectrequest_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "may_handle": may_handle(request.user)})

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {**(extra_context or {}), "may_handle": may_handle(request.user), "action_form": DsarActionForm()}
        return super().change_view(request, object_id, form_url, context)

    def on_behalf_view(self, request: HttpRequest) -> HttpResponse:
        if not may_handle(request.user):
            raise PermissionDenied
        form = DsarOnBehalfForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = form.cleaned_data
                created = dsar.submit_on_behalf(request.user, _find_person(data["subject"]), data["kind"],
                                                details=data["details"],
                                                identity_evidence=data["identity_evidence"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, f"Request {str(created.public_id)[:8]} recorded.")
                return redirect(reverse("admin:governance_datasubjectrequest_change", args=[created.pk]))
        return render(request, "admin/governance/form.html", {
            **self.admin_site.each_context(request), "title": "Record a request on someone's behalf",
            "form": form, "opts": self.model._meta})

    def act_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not may_handle(request.user):
            raise PermissionDenied
        obj = get_object_or_404(DataSubjectRequest, pk=pk)
        form = DsarActionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Choose an action and give the reason.", messages.ERROR)
        else:
            action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
            try:
                if action == "confirm_identity":
                    dsar.confirm_identity(request.user, obj, reason)
                elif action == "extend":
                    dsar.extend(request.user, obj, months=form.cleaned_data["months"] or 0, reason=reason)
                elif action == "refuse":
                    dsar.refuse(request.user, obj, reason=reason)
                else:
                    dsar.complete_rectification(request.user, obj, note=reason)
            except DomainError as error:
                self.message_user(request, f"{error.code}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, "Done.")
        return redirect(reverse("admin:governance_datasubjectrequest_change", args=[pk]))

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not may_handle(request.user):
            raise PermissionDenied
        obj = get_object_or_404(DataSubjectRequest, pk=pk)
        try:
            handle = export.open_file(obj)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect(reverse("admin:governance_datasubjectrequest_change", args=[pk]))
        audit.record(actor=request.user, action="admin.dsar_export_downloaded", obj=obj)
        return FileResponse(handle, as_attachment=True, filename=f"dsar-{str(obj.public_id)[:8]}.zip",
                            content_type="application/zip")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ("name", "status", "subject", "model_labels", "object_count", "placed_by", "placed_at",
                    "released_at")
    list_filter = ("status",)
    search_fields = ("name", "subject__email", "subject__handle")
    readonly_fields = ("public_id", "name", "status", "subject", "model_labels", "object_ids", "reason",
                       "placed_by", "placed_at", "released_by", "released_at", "release_reason")
    change_form_template = "admin/governance/hold_change_form.html"
    change_list_template = "admin/governance/hold_change_list.html"

    @admin.display(description="objects")
    def object_count(self, obj: LegalHold) -> int:
        return len(obj.object_ids)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_staff_powers(request.user) and request.user.has_perm("governance.view_legalhold")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [path("place/", view(self.place_view), name="governance_legalhold_place"),
                path("<int:pk>/release/", view(self.release_view), name="governance_legalhold_release"),
                *super().get_urls()]

    def place_view(self, request: HttpRequest) -> HttpResponse:
        if not holds.may_manage(request.user):
            raise PermissionDenied
        form = LegalHoldForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                hold = holds.place(request.user, name=data["name"], reason=data["reason"],
                                   subject=_find_person(data["subject"]),
                                   model_labels=[x.strip() for x in data["model_labels"].split(",") if x.strip()],
                                   object_ids=[x.strip() for x in data["object_ids"].split(",") if x.strip()])
            except DomainError as error:
                form.add_error(None, f"{error.code}: {error.message} {error.details or ''}")
            else:
                self.message_user(request, f"Hold {hold.name} placed.")
                return redirect(reverse("admin:governance_legalhold_changelist"))
        return render(request, "admin/governance/form.html", {
            **self.admin_site.each_context(request), "title": "Place a legal hold", "form": form,
            "opts": self.model._meta})

    def release_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not holds.may_manage(request.user):
            raise PermissionDenied
        hold = get_object_or_404(LegalHold, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                holds.release(request.user, hold, reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error(None, f"{error.code}: {error.message}")
            else:
                self.message_user(request, f"Hold {hold.name} released; deferred erasures run now.")
                return redirect(reverse("admin:governance_legalhold_changelist"))
        return render(request, "admin/governance/form.html", {
            **self.admin_site.each_context(request), "title": f"Release hold {hold.name}", "form": form,
            "opts": self.model._meta})


@admin.register(RetainedRecord)
class RetainedRecordAdmin(ReadOnlyAdmin):
    list_display = ("model_label", "object_pk", "basis", "keep_until", "subject", "hold", "created_at")
    list_filter = ("basis", "model_label")
    search_fields = ("model_label", "object_pk", "subject__handle")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_staff_powers(request.user) and request.user.has_perm("governance.view_retainedrecord")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "total_changed", "skipped_for_holds")
    readonly_fields = ("started_at", "finished_at", "counts", "skipped_for_holds")

    @admin.display(description="changed")
    def total_changed(self, obj: RetentionRun) -> int:
        return sum(obj.counts.values())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_staff_powers(request.user) and request.user.has_perm("governance.view_retentionrun")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
