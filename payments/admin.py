"""Finance admin: the ledger is read-only; refunds go through the refund service and are audited."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.errors import DomainError
from governance.admin_base import ReadOnlyAdmin
from governance.services import audit
from payments.models import (
    ConnectedAccount,
    CreatorStatement,
    Dispute,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    Receipt,
    Refund,
    WebhookEvent,
)
from payments.money import Money
from payments.services import payouts, purchases
from payments.services.refunds import REFUND_REASONS


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount", "currency")
    readonly_fields = fields
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
    list_display = ("id", "transaction", "account", "amount", "currency")
    list_filter = ("currency", "account__type")
    list_select_related = ("transaction", "account")
    raw_id_fields = ("transaction", "account")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "owner", "currency", "jurisdiction", "balance", "normal_balance")
    list_filter = ("type", "currency")
    list_select_related = ("owner",)
    search_fields = ("owner__handle", "jurisdiction")


class RefundForm(forms.Form):
    amount = forms.DecimalField(required=False, min_value=0, help_text="In major units (e.g. 4.99). Empty: refund "
                                                                       "everything still refundable.")
    reason = forms.ChoiceField(choices=[(r, r.replace("_", " ")) for r in sorted(REFUND_REASONS)])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why (kept in the audit log).")


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("public_id", "amount", "currency", "reason", "status", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "created_at", "fan", "creator", "purpose", "money_amount", "status", "escrow",
                    "amount_refunded", "provider")
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
        import secrets

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
    list_display = ("provider_dispute_id", "payment", "amount", "currency", "status", "opened_at", "closed_at")
    list_filter = ("status",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "status", "attempts", "error")
    list_filter = ("provider", "status", "event_type")
    search_fields = ("event_id", "object_id")


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("creator", "provider", "account_ref", "charges_enabled", "payouts_enabled", "updated_at")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "creator", "amount", "currency", "status", "attempt", "failure_code", "created_at")
    list_filter = ("status", "currency")
    actions = ["run_payouts", "retry_failed"]

    def has_payout_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.action(description="Run payouts now for every creator due one", permissions=["payout"])
    def run_payouts(self, request: HttpRequest, queryset: QuerySet[Payout]) -> None:
        audit.record(actor=request.user, action="admin.payout_run")
        done = payouts.payout_run(actor=request.user)
        self.message_user(request, f"Payout run: {done}")

    @admin.action(description="Retry selected failed payouts", permissions=["payout"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Payout]) -> None:
        for payout in queryset:
            try:
                payouts.retry_payout(payout, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{payout.public_id}: {error.message}", messages.ERROR)
