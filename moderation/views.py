"""Pages: report a thing (signed in), the public report form, appeal a decision, the transparency page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, RateLimited
from common.forms import apply_domain_error
from moderation import selectors
from moderation.forms import AppealForm, PublicReportForm, ReportForm
from moderation.models import TargetKind
from moderation.services import appeals, reports
from moderation.services.throttle import check_public_report_rate


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, target_id: str) -> HttpResponse:
    if kind not in TargetKind.values:
        raise Http404("Nothing to report there")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.file_report(request.user, target_kind=kind, target_id=target_id, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Thank you. Our Trust & Safety team will review it and tell you the outcome.")
            return redirect("report-done")
    return render(request, "moderation/report.html", {"form": form, "kind": TargetKind(kind).label,
                                                      "target_id": target_id})


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        try:
            check_public_report_rate(request)
            reports.file_report(request.user if request.user.is_authenticated else None, **form.cleaned_data)
        except RateLimited as error:
            form.add_error(None, error.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("report-done")
    return render(request, "moderation/public_report.html", {"form": form})


def report_done(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/report_done.html")


@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, action_id: str) -> HttpResponse:
    """The affected account appeals: signed in, or through the signed link in the statement of reasons (a
    suspended or banned account cannot sign in)."""
    token = request.GET.get("t", "")
    user = appeals.user_for_token(action_id, token) if token else None
    if user is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = request.user
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeals.file_appeal(user, action_id, form.cleaned_data["statement"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return render(request, "moderation/appeal_done.html")
    return render(request, "moderation/appeal.html", {"form": form})


def transparency(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    current = (today.year, (today.month - 1) // 3 + 1)
    try:
        year, quarter = int(request.GET.get("year", current[0])), int(request.GET.get("quarter", current[1]))
    except ValueError:
        year, quarter = current
    if not (2020 <= year <= today.year and 1 <= quarter <= 4):
        year, quarter = current
    periods = []
    y, q = current
    for _ in range(8):
        periods.append((y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return render(request, "moderation/transparency.html", {"counts": selectors.transparency(year, quarter),
                                                            "periods": periods, "selected": (year, quarter)})
