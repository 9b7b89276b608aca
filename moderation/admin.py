"""Trust & Safety in the admin: the queue (severity, age, SLA, assignment, bulk actions), one report's page
with the snapshot, reported media behind a safe view (blurred until revealed; each reveal audited) and the
action form; appeals; strikes; account standing; screening rules; and the product things staff must find and
act on (accounts, posts, comments, messages, subscriptions, custom-request disputes).

Thin: each action parses a form and calls one moderation (or custom-request) service.

DMCA and hash-matching admin. Thin: actions call services, which check powers and write the audit log.
Hash-match reports and preservation records are for the Child Safety group alone.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from common.errors import DomainError
from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as request_services
from fansub.media import http as media_http
from fansub.media.models import MediaItem
from fansub.media.services import delivery
from fansub.messaging.models import Message
from fansub.posts.models import Post, PostComment
from fansub.subscriptions.models import Subscription
from governance.admin_base import AuditedModelAdmin, ReadOnlyAdmin
from moderation.forms import ActionForm, HashImportForm
from moderation.models import (
    AccountStanding,
    Appeal,
    Category,
    ChildSafetyReport,
    ChildSafetyReportStatus,
    CopyrightStrike,
    CounterNotice,
    DmcaNotice,
    HashEntry,
    HashList,
    ModeratedAccount,
    ModerationAction,
    PreservationRecord,
    Report,
    ReportFiling,
    ReportStatus,
    ScreeningRule,
    Strike,
    TargetKind,
)
from moderation.services import (
    actions,
    appeals,
    counter_notices,
    enforcement,
    hash_lists,
    quarantine,
    repeat_infringers,
    reports,
    screening,
)
from payments.money_input import parse_money_input

REVEALED = "moderation_revealed_media"  # session: "<report pk>:<media public id>" revealed (audited) by this staff


def _fail(request: HttpRequest, error: DomainError) -> None:
    details = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                        for k, v in error.details.items())
    messages.error(request, f"{error.message} {details}".strip())


def _decide(request: HttpRequest, form: forms.Form, back: str, perform: Any, *, success: str,
            invalid: str) -> HttpResponse:
    """A staff decision POSTed from a change page: run ``perform(cleaned_data)``, say what happened, go back."""
    if not form.is_valid():
        messages.error(request, f"{invalid} {form.errors.as_text()}".strip())
    else:
        try:
            perform(form.cleaned_data)
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, success)
    return HttpResponseRedirect(back)


# --- the queue ------------------------------------------------------------------------------------------
class ReportFilingInline(admin.TabularInline):
    model = ReportFiling
    extra = 0
    can_delete = False
    fields = ("created_at", "reporter", "details", "outcome_sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OpenFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("mine", "Assigned to me"), ("overdue", "Past SLA"), ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {"selected": (self.value() or "open") == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> QuerySet[Report]:
        value = self.value() or "open"
        if value == "all":
            return queryset
        queryset = queryset.filter(status=ReportStatus.OPEN)
        if value == "mine":
            return queryset.filter(assigned_to=request.user)
        if value == "overdue":
            return queryset.filter(due_at__lt=timezone.now())
        return queryset


class BulkDecisionForm(ActionForm):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)


@admin.register(Report)
class ReportAdmin(AuditedModelAdmin):
    change_form_template = "admin/moderation/report_change_form.html"
    list_display = ("case", "severity", "category", "target", "filings_count", "status", "assigned_to", "sla",
                    "created_at")
    list_display_links = ("case",)
    list_filter = (OpenFilter, "category", "source", "target_kind")
    search_fields = ("=public_id", "=target_id", "subject__handle")
    ordering = ("-severity", "created_at")
    list_select_related = ("assigned_to", "subject")
    fields = ("public_id", "status", "category", "severity", "source", "target_kind", "target_id", "subject",
              "filings_count", "created_at", "due_at", "resolved_at", "assigned_to")
    readonly_fields = tuple(f for f in fields if f != "assigned_to")
    inlines = [ReportFilingInline]
    actions = ["assign_to_me", "unassign", "decide_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        rows = super().get_queryset(request)
        if not reports.may_see_case(request.user, Category.SUSPECTED_MINOR):
            rows = rows.exclude(category=Category.SUSPECTED_MINOR)
        return rows

    @admin.display(description="case")
    def case(self, obj: Report) -> str:
        return f"#{obj.pk}"

    @admin.display(description="target")
    def target(self, obj: Report) -> str:
        return f"{obj.get_target_kind_display()} {obj.target_id}"

    @admin.display(description="SLA")
    def sla(self, obj: Report) -> str:
        if obj.status != ReportStatus.OPEN:
            return "—"
        left = obj.due_at - timezone.now()
        hours = int(left.total_seconds() // 3600)
        return f"{hours} h left" if left.total_seconds() >= 0 else f"OVERDUE {-hours} h"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_to":
            kwargs["queryset"] = ModeratedAccount.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Report, form: Any, change: bool) -> None:
        reports.assign(request.user, obj.pk, obj.assigned_to)  # the only editable field

    @admin.action(description="Assign selected to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        for report in queryset:
            reports.assign(request.user, report.pk, request.user)
        messages.success(request, f"{queryset.count()} report(s) assigned to you.")

    @admin.action(description="Unassign selected")
    def unassign(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        for report in queryset:
            reports.assign(request.user, report.pk, None)

    @admin.action(description="Decide selected (one action, one reason for all)…")
    def decide_selected(self, request: HttpRequest, queryset: QuerySet[Report]) -> HttpResponse | None:
        form = BulkDecisionForm(request.POST if "apply" in request.POST else None,
                                initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        if form.is_valid():
            done = 0
            for report in queryset:
                try:
                    actions.take_action(request.user, report.pk, kind=form.cleaned_data["kind"],
                                        reason=form.cleaned_data["reason"], rule=form.cleaned_data["rule"] or None,
                                        suspend_days=form.cleaned_data["suspend_days"])
                    done += 1
                except DomainError as error:
                    _fail(request, error)
            messages.success(request, f"{done} report(s) decided.")
            return None
        return TemplateResponse(request, "admin/moderation/bulk_decide.html", {
            **self.admin_site.each_context(request), "title": "Decide selected reports", "form": form,
            "reports": queryset, "opts": self.model._meta})

    # -- one report: action form and the safe media view --
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:report_id>/act/", view(self.act_view), name="moderation_report_act"),
            path("<int:report_id>/media/<uuid:media_id>/<str:mode>/", view(self.media_view),
                 name="moderation_report_media"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        report = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if report is not None:
            revealed = set(request.session.get(REVEALED, []))
            extra.update({
                "snapshot": report.snapshot, "action_form": ActionForm(initial={"rule": report.category}),
                "media": [{"id": m, "revealed": f"{report.pk}:{m}" in revealed}
                          for m in (report.snapshot or {}).get("media", [])],
                "actions_taken": report.actions.select_related("actor"),
                "can_act": report.status == ReportStatus.OPEN,
                "can_reveal": request.user.has_perm("moderation.reveal_media"),
            })
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def act_view(self, request: HttpRequest, report_id: int) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        return _decide(
            request, ActionForm(request.POST), reverse("admin:moderation_report_change", args=[report_id]),
            lambda data: actions.take_action(request.user, report_id, kind=data["kind"], reason=data["reason"],
                                             rule=data["rule"] or None, suspend_days=data["suspend_days"]),
            success="Decision recorded; the account and the reporters are notified.",
            invalid="Choose an action and give a reason.")

    def media_view(self, request: HttpRequest, report_id: int, media_id: Any, mode: str) -> HttpResponse:
        """``blurred``: the blurred preview rendition; ``reveal`` (POST): audited, then the clear image may be
        loaded; ``clear``: only after this staff member revealed it for this report."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(self.get_queryset(request), pk=report_id)
        key = f"{report.pk}:{media_id}"
        if mode == "reveal":
            if request.method != "POST":
                raise PermissionDenied
            try:
                reports.record_media_reveal(request.user, report, str(media_id))
            except DomainError as error:
                _fail(request, error)
            else:
                request.session[REVEALED] = [*request.session.get(REVEALED, []), key][-50:]
            return HttpResponseRedirect(reverse("admin:moderation_report_change", args=[report_id]) + "#media")
        if str(media_id) not in (report.snapshot or {}).get("media", []):
            raise Http404
        item = MediaItem.objects.filter(public_id=media_id).prefetch_related("renditions").first()
        if item is None:
            raise Http404
        try:
            if mode == "blurred":
                file = delivery.preview_file(request.user, item, "preview")
            elif mode == "clear" and key in request.session.get(REVEALED, []):
                file = delivery.preview_file(request.user, item, "thumbnail") if item.kind != "image" \
                    else delivery.deliver(request.user, item, "final")
            else:
                raise PermissionDenied
        except DomainError:
            raise Http404 from None
        return media_http.send(request, file)


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "kind", "rule", "subject", "actor", "created_at", "ends_at", "appeal_until")
    list_filter = ("kind", "rule")
    search_fields = ("=public_id", "subject__handle")
    list_select_related = ("subject", "actor")


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "Uphold the decision"), ("overturn", "Overturn it")])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@admin.register(Appeal)
class AppealAdmin(AuditedModelAdmin):
    change_form_template = "admin/moderation/appeal_change_form.html"
    list_display = ("id", "status", "action", "appellant", "created_at", "decided_by")
    list_filter = ("status",)
    fields = ("action", "appellant", "statement", "status", "created_at", "decided_by", "decided_at",
              "decision_note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [path("<int:appeal_id>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="moderation_appeal_decide"), *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().change_view(request, object_id, form_url,
                                   extra_context={**(extra_context or {}), "decision_form": AppealDecisionForm()})

    def decide_view(self, request: HttpRequest, appeal_id: int) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        return _decide(
            request, AppealDecisionForm(request.POST), reverse("admin:moderation_appeal_change", args=[appeal_id]),
            lambda data: appeals.decide_appeal(request.user, appeal_id, overturn=data["decision"] == "overturn",
                                               note=data["note"]),
            success="Appeal decided; the account is notified.", invalid="Choose a decision and write a note.")


@admin.register(Strike)
class StrikeAdmin(ReadOnlyAdmin):
    list_display = ("user", "action", "created_at", "expires_at", "revoked_at")
    search_fields = ("user__handle",)


class ReasonForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@admin.register(AccountStanding)
class AccountStandingAdmin(ReadOnlyAdmin):
    list_display = ("user", "suspended_until", "banned_at", "restricted", "reverification_required",
                    "payouts_frozen", "payouts_frozen_reason")
    list_filter = ("payouts_frozen", "restricted", "reverification_required")
    search_fields = ("user__handle",)
    actions = ["lift_payout_freeze"]

    @admin.action(description="Lift the payout freeze (after review)…", permissions=["view"])
    def lift_payout_freeze(self, request: HttpRequest, queryset: QuerySet[AccountStanding]) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None,
                          initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        if form.is_valid():
            for standing in queryset.select_related("user"):
                try:
                    reports.require_moderator(request.user)
                    enforcement.lift_payout_freeze(standing.user, reason=form.cleaned_data["reason"],
                                                   actor=request.user)
                except DomainError as error:
                    _fail(request, error)
            return None
        return TemplateResponse(request, "admin/moderation/reason_form.html", {
            **self.admin_site.each_context(request), "title": "Lift payout freeze", "form": form,
            "rows": queryset, "action": "lift_payout_freeze", "opts": self.model._meta})


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(AuditedModelAdmin):
    list_display = ("term", "category", "severity", "action", "is_active", "created_at")
    list_filter = ("category", "action", "is_active")
    search_fields = ("term",)

    def save_model(self, request: HttpRequest, obj: ScreeningRule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        screening.rules_changed()

    def delete_model(self, request: HttpRequest, obj: ScreeningRule) -> None:
        super().delete_model(request, obj)
        screening.rules_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ScreeningRule]) -> None:
        super().delete_queryset(request, queryset)
        screening.rules_changed()


# --- things staff find and act on -------------------------------------------------------------------------
class StaffActionForm(ActionForm):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["rule"].choices = Category.choices


class ActOnSelectedMixin:
    """An admin action that decides the selected things through staff-opened cases (the one table)."""

    target_kind: str = ""
    action_kinds: list[tuple[str, str]] = []

    def target_id(self, obj: Any) -> str:
        return str(obj.pk)

    @admin.action(description="Act on selected (reason and rule required)…")
    def act_on_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = StaffActionForm(request.POST if "apply" in request.POST else None, kinds=self.action_kinds,
                               initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        if form.is_valid():
            done = 0
            for obj in queryset:
                try:
                    actions.act_on_content(request.user, self.target_kind, self.target_id(obj),
                                           kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
                                           rule=form.cleaned_data["rule"],
                                           suspend_days=form.cleaned_data["suspend_days"])
                    done += 1
                except DomainError as error:
                    _fail(request, error)
            messages.success(request, f"{done} decided; each is recorded as a case in the queue.")
            return None
        return TemplateResponse(request, "admin/moderation/reason_form.html", {
            **self.admin_site.each_context(request), "title": "Act on selected", "form": form, "rows": queryset,
            "action": "act_on_selected", "opts": self.model._meta})  # type: ignore[attr-defined]


CONTENT_ACTIONS = [("remove_content", "Remove / unpublish"), ("dismiss", "No action (record only)")]
ACCOUNT_ACTIONS = [("suspend", "Suspend for a period"), ("ban", "Ban"), ("restrict", "Restrict (hide from discovery)"),
                   ("require_reverification", "Require re-verification")]


@admin.register(ModeratedAccount)
class ModeratedAccountAdmin(ActOnSelectedMixin, ReadOnlyAdmin):
    target_kind = TargetKind.PROFILE
    action_kinds = ACCOUNT_ACTIONS
    list_display = ("handle", "role", "is_active", "date_joined", "standing")
    list_filter = ("role", "is_active")
    search_fields = ("handle", "=id")
    fields = ("handle", "role", "is_active", "date_joined")
    actions = ["act_on_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(is_staff=False).select_related("standing")

    @admin.display(description="standing")
    def standing(self, obj: Any) -> str:
        s = getattr(obj, "standing", None)
        if s is None:
            return "good"
        flags = [name for name, on in (("banned", s.banned_at), ("suspended", s.suspended_until),
                                       ("restricted", s.restricted), ("payouts frozen", s.payouts_frozen),
                                       ("re-verify", s.reverification_required)) if on]
        return ", ".join(flags) or "good"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("moderation.view_moderatedaccount")


@admin.register(Post)
class PostModerationAdmin(ActOnSelectedMixin, ReadOnlyAdmin):
    target_kind = TargetKind.POST
    action_kinds = CONTENT_ACTIONS + ACCOUNT_ACTIONS
    list_display = ("id", "creator", "status", "is_adult", "published_at", "removed_reason")
    list_filter = ("status", "is_adult")
    search_fields = ("=id", "creator__handle", "text")
    fields = ("creator", "status", "text", "is_adult", "published_at", "removed_at", "removed_reason")
    list_select_related = ("creator",)
    actions = ["act_on_selected"]


@admin.register(PostComment)
class CommentModerationAdmin(ActOnSelectedMixin, ReadOnlyAdmin):
    target_kind = TargetKind.COMMENT
    action_kinds = CONTENT_ACTIONS + ACCOUNT_ACTIONS
    list_display = ("id", "author", "post", "is_hidden", "created_at")
    list_filter = ("is_hidden",)
    search_fields = ("=id", "author__handle", "=post__id")
    fields = ("post", "author", "text", "is_hidden", "created_at")
    list_select_related = ("author",)
    actions = ["act_on_selected"]


@admin.register(Message)
class MessageModerationAdmin(ActOnSelectedMixin, ReadOnlyAdmin):
    """Metadata only: message text is read by Trust & Safety only through a report's snapshot."""

    target_kind = TargetKind.MESSAGE
    action_kinds = CONTENT_ACTIONS + ACCOUNT_ACTIONS
    list_display = ("id", "sender", "thread", "is_adult", "created_at", "unsent_at")
    search_fields = ("=id", "sender__handle", "=thread__id")
    fields = ("thread", "sender", "is_adult", "created_at", "unsent_at")
    list_select_related = ("sender",)
    actions = ["act_on_selected"]


@admin.register(Subscription)
class SubscriptionModerationAdmin(ReadOnlyAdmin):
    list_display = ("id", "fan", "creator", "tier", "status", "current_period_end", "end_reason")
    list_filter = ("status",)
    search_fields = ("=id", "fan__handle", "creator__handle")
    list_select_related = ("fan", "creator", "tier")


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("released", "Release to the creator"), ("refunded", "Refund the fan in full"),
                                         ("partially_refunded", "Refund part")])
    refund = forms.CharField(required=False, label="Part to refund (price excluding tax), e.g. 12.50")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Note (required)")


@admin.register(CustomRequest)
class CustomRequestModerationAdmin(ReadOnlyAdmin):
    change_form_template = "admin/moderation/request_change_form.html"
    list_display = ("id", "fan", "creator", "kind", "status", "price_minor", "currency", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("=id", "fan__handle", "creator__handle")
    list_select_related = ("fan", "creator")
    fields = ("fan", "creator", "kind", "status", "description", "price_minor", "currency", "dispute_reason",
              "resolution", "resolution_note", "refunded_minor", "created_at")

    def get_urls(self) -> list[Any]:
        return [path("<int:request_id>/resolve/", self.admin_site.admin_view(self.resolve_view),
                     name="moderation_request_resolve"), *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().change_view(request, object_id, form_url,
                                   extra_context={**(extra_context or {}), "resolve_form": ResolveForm()})

    def resolve_view(self, request: HttpRequest, request_id: int) -> HttpResponse:
        if request.method != "POST" or not request.user.has_perm("custom_requests.change_customrequest"):
            raise PermissionDenied
        req = get_object_or_404(CustomRequest, pk=request_id)

        def resolve(data: dict[str, Any]) -> None:
            part = (parse_money_input(data["refund"], req.currency)
                    if data["outcome"] == "partially_refunded" else None)
            request_services.resolve(request.user, request_id, outcome=data["outcome"], note=data["note"],
                                     refund=part)

        return _decide(request, ResolveForm(request.POST),
                       reverse("admin:custom_requests_customrequest_change", args=[request_id]), resolve,
                       success="Dispute resolved.", invalid="Choose an outcome and write a note.")


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
