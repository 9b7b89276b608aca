"""The creator's money pages beyond the overview: a monthly statement as a page and as a PDF, and the refund
requests fans made."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, NotFoundError
from fansub.accounts.models import Role
from fansub.purchases.services import billing
from payments.money import Money


def _creator_only(request: HttpRequest) -> None:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")


@login_required
def statement_page(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        view = billing.statement_view(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    return render(request, "studio/statement.html", {"view": view, "s": view.statement, "lines": view.lines})


@login_required
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        name, data = billing.statement_pdf(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class RefundDecisionForm(forms.Form):
    request_id = forms.UUIDField()
    action = forms.ChoiceField(choices=[("refund", "Refund"), ("decline", "Decline"), ("escalate", "Escalate")])
    amount = forms.DecimalField(min_value=Decimal("0"), max_digits=12, decimal_places=2, required=False)
    note = forms.CharField(max_length=300, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def refunds_page(request: HttpRequest) -> HttpResponse:
    """Refund requests from fans: refund in full or in part (within the policy), decline or escalate."""
    _creator_only(request)
    if request.method == "POST":
        form = RefundDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose an action; an amount is a number like 4.50.")
            return redirect("studio-refunds")
        data = form.cleaned_data
        rows = {str(r.public_id): r for r in billing.refund_requests_for_creator(request.user)}
        row = rows.get(str(data["request_id"]))
        if row is None:
            raise Http404("No such refund request")
        try:
            amount = Money.from_decimal(data["amount"], row.currency) if data["amount"] is not None else None
            done = billing.decide_refund_request(request.user, str(data["request_id"]), action=data["action"],
                                                 amount=amount, note=data["note"])
            messages.success(request, f"Refund request: {done.get_status_display()}.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("studio-refunds")
    policy = billing.refund_policy()
    return render(request, "studio/refunds.html", {
        "rows": billing.refund_requests_for_creator(request.user), "max_days": policy["max_days"],
        "max_amount": policy["max_amount"]})
