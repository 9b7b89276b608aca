"""DMCA and hash-matching admin. Thin: actions call services, which check powers and write the audit log.
Hash-match reports and preservation records are for the Child Safety group alone."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from common.errors import DomainError
from governance.admin_base import AuditedModelAdmin, ReadOnlyAdmin
from moderation.forms import HashImportForm
from moderation.models import (
    ChildSafetyReport,
    ChildSafetyReportStatus,
    CopyrightStrike,
    CounterNotice,
    DmcaNotice,
    HashEntry,
    HashList,
    PreservationRecord,
)
from moderation.services import counter_notices, hash_lists, quarantine, repeat_infringers


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any, call: Any) -> None:
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} done.", messages.SUCCESS)


@admin.register(DmcaNotice)
class DmcaNoticeAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "status", "uploader", "received_at", "disabled_at")
    list_filter = ("status",)
    search_fields = ("public_id",)
    actions = ("record_filed_action",)

    @admin.action(description="Record that the complainant filed an action (material stays down)")
    def record_filed_action(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda n: counter_notices.report_filed_action(n, actor=request.user))


@admin.register(CounterNotice)
class CounterNoticeAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "notice", "received_at", "forwarded_at", "restore_from", "restore_by", "restored_at",
                    "suit_reported_at")


@admin.register(CopyrightStrike)
class CopyrightStrikeAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "created_at", "expires_at", "appealed_at", "reversed_at")
    actions = ("uphold_appeal", "reject_appeal")

    @admin.action(description="Appeal succeeds: remove the strike")
    def uphold_appeal(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda s: repeat_infringers.decide_appeal(request.user, s, reverse=True,
                                                                                reason="appeal upheld"))

    @admin.action(description="Appeal fails: keep the strike")
    def reject_appeal(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda s: repeat_infringers.decide_appeal(request.user, s, reverse=False,
                                                                                reason="appeal rejected"))


@admin.register(HashList)
class HashListAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "source", "active", "created_at")
    change_form_template = "admin/moderation/hashlist/change_form.html"

    def get_urls(self) -> list:
        return [path("<int:pk>/import/", self.admin_site.admin_view(self.import_view),
                     name="moderation_hashlist_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        hash_list = get_object_or_404(HashList, pk=pk)
        if not self.has_change_permission(request, hash_list):
            return redirect("admin:index")
        form = HashImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.get("file")
            text = upload.read().decode("utf-8", "replace") if upload else form.cleaned_data["hashes"]
            try:
                result = hash_lists.import_hashes(hash_list, text, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{error.message} Lines: {error.details.get('lines')}", messages.ERROR)
            else:
                self.message_user(request, f"{result.added} added, {result.already_listed} already listed.",
                                  messages.SUCCESS)
                return redirect(reverse("admin:moderation_hashlist_change", args=[pk]))
        return render(request, "admin/moderation/hashlist/import.html",
                      {**self.admin_site.each_context(request), "form": form, "hash_list": hash_list,
                       "opts": self.model._meta, "title": f"Import hashes into {hash_list}"})


@admin.register(HashEntry)
class HashEntryAdmin(ReadOnlyAdmin):
    list_display = ("value", "hash_list", "label", "source", "created_at")
    list_filter = ("hash_list",)
    search_fields = ("value", "label")


class ChildSafetyOnly(ReadOnlyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return quarantine.in_child_safety_group(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return quarantine.in_child_safety_group(request.user) and super().has_view_permission(request, obj)


@admin.register(PreservationRecord)
class PreservationRecordAdmin(ChildSafetyOnly):
    list_display = ("public_id", "media_public_id", "matched_list", "distance", "created_at", "keep_until")


@admin.register(ChildSafetyReport)
class ChildSafetyReportAdmin(ChildSafetyOnly):
    list_display = ("id", "status", "preservation", "assigned_to", "created_at")
    list_filter = ("status",)
    actions = ("start_review", "mark_reported", "dismiss")

    def _move(self, request: HttpRequest, queryset: Any, target: str) -> None:
        _run(self, request, queryset, lambda r: quarantine.move_report(request.user, r, target))

    @admin.action(description="Start review")
    def start_review(self, request: HttpRequest, queryset: Any) -> None:
        self._move(request, queryset, ChildSafetyReportStatus.IN_REVIEW)

    @admin.action(description="Reported to the clearing house")
    def mark_reported(self, request: HttpRequest, queryset: Any) -> None:
        self._move(request, queryset, ChildSafetyReportStatus.REPORTED)

    @admin.action(description="Dismiss (false match)")
    def dismiss(self, request: HttpRequest, queryset: Any) -> None:
        self._move(request, queryset, ChildSafetyReportStatus.DISMISSED)
