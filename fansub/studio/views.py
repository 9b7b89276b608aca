"""Creator studio pages: earnings and tips, money (balances, payouts, statements), the vault for one fan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError, NotFoundError
from fansub.accounts import selectors as account_selectors
from fansub.accounts.models import Role
from fansub.media.selectors import vault
from fansub.purchases.services import billing, ppv, tips


def _creator_only(request: HttpRequest) -> None:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")


@login_required
@require_http_methods(["GET", "POST"])
def earnings(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    profile = request.user.creator_profile
    if request.method == "POST":
        tips.set_tip_totals_hidden(request.user, hidden="hide_tip_totals" in request.POST)
        messages.success(request, "Saved.")
        return redirect("studio-earnings")
    return render(request, "studio/earnings.html", {
        "tip_total": tips.tip_totals(request.user), "recent": tips.recent_tips(request.user),
        "hide_tip_totals": profile.hide_tip_totals})


@login_required
def vault_for_fan(request: HttpRequest, handle: str) -> HttpResponse:
    _creator_only(request)
    fan = account_selectors.fan_by_handle(handle)
    if fan is None:
        raise Http404("No such fan")
    status = ppv.vault_status_for_fan(request.user, fan)
    items = [(item, status.get(item.pk, "not sent")) for item in vault(request.user, state="ready")[:200]]
    return render(request, "studio/vault_fan.html", {"fan": fan, "items": items})


@login_required
def money(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    return render(request, "studio/money.html", {"money": billing.creator_money(request.user)})


@login_required
def statement_csv(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        name, text = billing.statement_csv(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def payout_onboarding(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    back = request.build_absolute_uri(reverse("studio-money"))
    try:
        url = billing.payout_onboarding_link(request.user, refresh_url=back, return_url=back)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("studio-money")
    return redirect(url)
