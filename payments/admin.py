"""Finance admin: the ledger is read-only; refunds, payout runs and retries go through the services
and are audited. Amounts are shown as money ("£12.34"), never as minor units.

Who may do what (the Finance group's permissions come from fansub's staff-group migrations):
refunds need ``payments.refund_payment``; payout runs, retries and the failed-payout queue need
``payments.change_payout``; the tax report needs ``payments.view_salerecord``.
"""

import csv
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from common.errors import DomainError
from governance.admin_base import ReadOnlyAdmin
from governance.services import audit
from payments import selectors
from payments.models import (
    ConnectedAccount,
    CreatorStatement,
    Dispute,
    FailedPayout,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    Receipt,
    Refund,
    RefundRequest,
    SaleRecord,
    TransferReversal,
    WebhookEvent,
)
from payments.money import Money
from payments.services import payouts, purchases, refund_requests
from payments.services.refunds import REFUND_REASONS


def money_column(field: str, label: str | None = None, currency_field: str = "currency") -> Callable[..., str]:
    """An admin column showing a minor-units field as money in the row's currency."""
    def column(self: Any, obj: Any) -> str:
        value = getattr(obj, field)
        return Money(value, getattr(obj, currency_field)).format() if value is not None else "-"
    column.short_description = label or field.replace("_", " ")  # type: ignore[attr-defined]
    column.admin_order_field = field  # type: ignore[attr-defined]
    return column


def can_pay_out(request: HttpRequest) -> bool:
    return request.user.has_perm("payments.change_payout")


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount_display")
    readonly_fields = fields
    amount_display = money_column("amount", "amount (debit +, credit -)")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "memo", "source_type", "source_id", "reverses")
    list_filter = ("kind",)
    search_fields = ("memo", "source_id")
    date_hierarchy = "created_at"
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction", "account", "amount_display")
    list_filter = ("currency", "account__type")
    amount_display = money_column("amount", "amount (debit +, credit -)")
    list_select_related = ("transaction", "account")
    raw_id_fields = ("transaction", "account")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "owner", "currency", "jurisdiction", "balance_display", "normal_balance_display")
    list_filter = ("type", "currency")
    balance_display = money_column("balance", "balance (debit +)")
    normal_balance_display = money_column("normal_balance", "normal balance")
    list_select_related = ("owner",)
    search_fields = ("owner__handle", "jurisdiction")


class RefundForm(forms.Form):
    amount = forms.DecimalField(required=False, help_text="In major units (e.g. 4.99). Empty: refund everything "
                                                          "still refundable.")
    reason = forms.ChoiceField(choices=[(r, r.replace("_", " ")) for r in sorted(REFUND_REASONS)])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why (kept in the audit log).")

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        # 0 is not "everything": a refund of nothing (or less) is refused, not turned into a full one.
        if amount is not None and amount <= 0:
            raise forms.ValidationError("A refund amount must be more than 0 (leave it empty to refund everything).")
        return amount


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("public_id", "amount_display", "reason", "status", "provider_refund_id", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    amount_display = money_column("amount")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "created_at", "fan", "creator", "purpose", "amount_display", "status", "escrow",
                    "refunded_display", "charged_back_display", "provider")
    amount_display = money_column("amount", "amount (tax incl.)")
    refunded_display = money_column("amount_refunded", "refunded")
    charged_back_display = money_column("amount_charged_back", "charged back")
    list_filter = ("status", "provider", "purpose", "escrow", "currency")
    list_select_related = ("fan", "creator")
    search_fields = ("public_id", "reference", "provider_payment_id", "fan__handle", "creator__handle")
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    actions = ["refund_action"]

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description="Refund selected payment (asks for amount and reason)", permissions=["refund"])
    def refund_action(self, request: HttpRequest, queryset: QuerySet[Payment]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Refund one payment at a time.", messages.ERROR)
            return None
        payment = queryset.get()
        form = RefundForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            amount = form.cleaned_data["amount"]
            try:
                money = Money.from_decimal(amount, payment.currency) if amount else None
                refund = purchases.refund(
                    payment, money, form.cleaned_data["reason"], actor=request.user, note=form.cleaned_data["note"],
                    idempotency_key=f"admin:{request.POST.get('form_token', '')}",
                )
            except (DomainError, ValueError) as error:
                self.message_user(request, f"Refund refused: {getattr(error, 'message', error)}", messages.ERROR)
                return None
            audit.record(actor=request.user, action="admin.refund", obj=payment, reason=form.cleaned_data["note"],
                         details={"refund": str(refund.public_id), "amount": refund.amount})
            self.message_user(request, f"Refunded {Money(refund.amount, refund.currency)} ({refund.status}).")
            return None
        return render(request, "admin/payments/refund_form.html", {
            **self.admin_site.each_context(request), "form": form, "payment": payment,
            "form_token": secrets.token_hex(16), "opts": self.model._meta, "title": "Refund payment",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(CreatorStatement)
class CreatorStatementAdmin(ReadOnlyAdmin):
    list_display = ("period", "creator", "currency", "opening", "earnings", "refunds", "chargebacks", "payouts",
                    "adjustments", "closing", "held_in_escrow")
    list_filter = ("period", "currency")
    list_select_related = ("creator",)


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "issued_at", "buyer_handle", "currency", "total", "tax_total", "tax_country")
    list_filter = ("kind", "currency", "tax_country")
    search_fields = ("number", "buyer_handle")


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("provider_dispute_id", "payment", "amount_display", "status", "provider_status",
                    "evidence_due_by", "reason", "opened_at", "closed_at")
    list_filter = ("status", "provider_status")
    ordering = ("status", "evidence_due_by", "-opened_at")
    search_fields = ("provider_dispute_id", "payment__public_id")
    amount_display = money_column("amount")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "status", "attempts", "error")
    list_filter = ("provider", "status", "event_type")
    search_fields = ("event_id", "object_id")


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("creator", "provider", "account_ref", "charges_enabled", "payouts_enabled", "details_submitted",
                    "requirements_due", "disabled_reason", "updated_at")
    list_filter = ("provider", "payouts_enabled")


class PayoutActions:
    """Retries for Finance (payments.change_payout), audited; one failure does not stop the others."""

    def has_payout_permission(self, request: HttpRequest) -> bool:
        return can_pay_out(request)

    @admin.action(description="Retry selected failed payouts (or re-send one whose answer was lost)",
                  permissions=["payout"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Payout]) -> None:
        for payout in queryset:
            try:
                retried = payouts.retry_payout(payout, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{payout.public_id}: {error.message}", messages.ERROR)  # type: ignore[attr-defined]
                continue
            audit.record(actor=request.user, action="admin.payout_retry", obj=payout,
                         details={"attempt": str(retried.public_id), "status": retried.status})
            self.message_user(request, f"{payout.public_id}: {retried.status}")  # type: ignore[attr-defined]


@admin.register(Payout)
class PayoutAdmin(PayoutActions, ReadOnlyAdmin):
    list_display = ("public_id", "creator", "amount_display", "reversed_display", "status", "attempt",
                    "failure_code", "provider_payout_id", "created_at")
    list_filter = ("status", "currency")
    search_fields = ("public_id", "provider_payout_id", "creator__handle")
    actions = ["retry_failed"]
    change_list_template = "payments/admin/payout_change_list.html"
    amount_display = money_column("amount")
    reversed_display = money_column("amount_reversed", "reversed")

    def get_urls(self) -> list[URLPattern]:
        run = path("run/", self.admin_site.admin_view(self.run_view), name="payments_payout_run")
        return [run, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {**(extra_context or {}), "can_run_payouts": can_pay_out(request)}
        return super().changelist_view(request, extra_context=context)

    def run_view(self, request: HttpRequest) -> HttpResponse:
        """Run payouts now for every creator due one: no row needs to be selected (there may be none)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_pay_out(request):
            raise PermissionDenied
        audit.record(actor=request.user, action="admin.payout_run")
        try:
            done = payouts.payout_run(actor=request.user)
        except DomainError as error:
            self.message_user(request, f"Payout run refused: {error.message}", messages.ERROR)
        else:
            self.message_user(request, f"Payout run: {done['paid']} paid, {done['failed']} failed, "
                                       f"{done['skipped']} skipped.")
        return redirect(reverse("admin:payments_payout_changelist"))


@admin.register(FailedPayout)
class FailedPayoutAdmin(PayoutActions, ReadOnlyAdmin):
    """The failed-payout queue: failed and not retried yet, oldest first."""

    list_display = ("public_id", "creator", "amount_display", "failure_code", "attempt", "account", "updated_at")
    list_select_related = ("creator", "account")
    actions = ["retry_failed"]
    ordering = ("updated_at",)
    amount_display = money_column("amount")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payout]:
        return super().get_queryset(request).filter(status=Payout.Status.FAILED, retried_by__isnull=True)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("payments.view_payout")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.view_payout")


@admin.register(TransferReversal)
class TransferReversalAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "payout", "amount_display", "cause", "status", "provider_reversal_id", "created_at")
    list_filter = ("status",)
    search_fields = ("public_id", "provider_reversal_id", "cause")
    amount_display = money_column("amount")


class TaxReportForm(forms.Form):
    quarter = forms.RegexField(regex=r"^\d{4}-Q[1-4]$", required=False, help_text="e.g. 2026-Q4; empty: all")


@admin.register(SaleRecord)
class SaleRecordAdmin(ReadOnlyAdmin):
    """Sale records (what the tax authority may ask for), and the tax report built from them."""

    list_display = ("id", "created_at", "payment", "country", "region", "net_display", "tax_display", "engine")
    list_filter = ("country", "currency", "engine")
    list_select_related = ("payment",)
    search_fields = ("payment__public_id", "country")
    date_hierarchy = "created_at"
    change_list_template = "payments/admin/salerecord_change_list.html"
    net_display = money_column("net_amount", "taxable (net)")
    tax_display = money_column("tax_amount", "tax")

    def get_urls(self) -> list[URLPattern]:
        report = path("tax-report/", self.admin_site.admin_view(self.tax_report_view), name="payments_tax_report")
        return [report, *super().get_urls()]

    def tax_report_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("payments.view_salerecord"):
            raise PermissionDenied
        form = TaxReportForm(request.GET or None)
        quarter = form.cleaned_data["quarter"] if form.is_valid() else ""
        start, end = selectors.quarter_bounds(quarter) if quarter else (None, None)
        rows = selectors.tax_report(start=start, end=end) if form.is_valid() or not request.GET else []
        if request.GET.get("format") == "csv" and (form.is_valid() or not request.GET):
            response = HttpResponse(content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="tax-report-{quarter or "all"}.csv"'
            csv.writer(response).writerows(selectors.tax_report_csv_rows(rows))
            return response
        return render(request, "payments/admin/tax_report.html", {
            **self.admin_site.each_context(request), "title": "Tax report", "form": form, "rows": rows,
            "quarter": quarter, "opts": self.model._meta,
        })


class RefundRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("refund", "Refund"), ("decline", "Decline")])
    amount = forms.DecimalField(required=False, help_text="In major units (e.g. 4.99). Empty: what the fan asked "
                                                          "for (or everything still refundable).")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why (kept in the audit log; a "
                                                                               "decline's note is shown to the fan).")

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("A refund must be more than zero; leave it empty for the whole request.")
        return amount


class DecidedAsFilter(admin.SimpleListFilter):
    """Named choices: the plain field filter offers the undecided (blank) value as a link with no text."""

    title = "decided as"
    parameter_name = "decided_as"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("creator", "Creator"), ("staff", "Staff"), ("none", "Not decided yet")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value in ("creator", "staff"):
            return queryset.filter(decided_as=value)
        if value == "none":
            return queryset.filter(decided_as="")
        return queryset


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnlyAdmin):
    """Refund requests fans made; Trust & Safety / Finance (``payments.refund_payment``) decide open ones,
    escalated first, without the creator's limits."""

    list_display = ("public_id", "created_at", "fan", "creator", "reason", "requested_display", "status",
                    "refunded_display", "decided_as", "decided_at")
    list_filter = ("status", "reason", DecidedAsFilter, "currency")
    list_select_related = ("fan", "creator", "payment")
    search_fields = ("public_id", "payment__public_id", "fan__handle", "creator__handle")
    ordering = ("-status", "-created_at")
    requested_display = money_column("amount_requested", "asked for")
    refunded_display = money_column("amount_refunded", "refunded")
    actions = ["decide_action"]

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description="Decide selected refund request (refund or decline)", permissions=["refund"])
    def decide_action(self, request: HttpRequest, queryset: QuerySet[RefundRequest]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Decide one request at a time.", messages.ERROR)
            return None
        row = queryset.select_related("payment").get()
        form = RefundRequestDecisionForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            amount = form.cleaned_data["amount"]
            try:
                money = Money.from_decimal(amount, row.currency) if amount else None
                done = refund_requests.staff_decide(request.user, str(row.public_id), refund_requests.Decision(
                    form.cleaned_data["decision"], money, form.cleaned_data["note"]))
            except (DomainError, ValueError) as error:
                self.message_user(request, f"Refused: {getattr(error, 'message', error)}", messages.ERROR)
                return None
            refunded = f" ({Money(done.amount_refunded, done.currency)})" if done.amount_refunded else ""
            self.message_user(request, f"Refund request {done.get_status_display().lower()}{refunded}.")
            return None
        return render(request, "admin/payments/refund_request_form.html", {
            **self.admin_site.each_context(request), "form": form, "row": row, "opts": self.model._meta,
            "title": "Decide refund request", "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })
