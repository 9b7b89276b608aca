"""Pages: report a thing (signed in), the public report form, appeal a decision, the transparency page.

DMCA pages: the public notice form and policy page, the complainant's suit link, and the creator's studio
pages (notices about their content with the counter-notice form, and takedowns of leaks elsewhere).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, NotFoundError, RateLimited
from common.forms import apply_domain_error
from moderation import forms, selectors
from moderation.forms import AppealForm, PublicReportForm, ReportForm
from moderation.models import TargetKind
from moderation.services import appeals, counter_notices, creator_takedowns, dmca_notices, repeat_infringers, reports
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


def _add_errors(form: forms.forms.Form, error: DomainError) -> None:
    missing = error.details.get("missing") or []
    for name in missing:
        if name in form.fields:
            form.add_error(name, "Required by law: " + error.details.get("elements", {}).get(name, name) + ".")
    form.add_error(None, error.message)


@require_http_methods(["GET"])
def policy(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/dmca_policy.html", {"policy": repeat_infringers.policy(),
                                                           "agent_name": settings.DMCA_AGENT_NAME,
                                                           "agent_email": settings.DMCA_AGENT_EMAIL})


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest) -> HttpResponse:
    form = forms.NoticeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            notices = dmca_notices.submit_notice(form.cleaned_data, submitted_by=request.user)
        except DomainError as error:
            _add_errors(form, error)
            status = error.status
        else:
            return render(request, "moderation/dmca_notice_done.html", {"notices": notices}, status=201)
    elif request.method == "POST":
        status = 400
    return render(request, "moderation/dmca_notice.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def report_suit(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = counter_notices.notice_for_suit_token(token)
    except NotFoundError as error:
        raise Http404 from error
    if request.method == "POST":
        try:
            found = counter_notices.report_filed_action(found, token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Recorded: the material stays down.")
    return render(request, "moderation/dmca_suit.html", {"notice": found})


@login_required
@require_http_methods(["GET"])
def studio_dmca(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/studio_dmca.html", {
        "notices": selectors.notices_about(request.user), "strikes": selectors.strikes_of(request.user),
        "takedowns": selectors.takedowns_of(request.user), "policy": repeat_infringers.policy()})


@login_required
@require_http_methods(["GET", "POST"])
def counter_notice(request: HttpRequest, notice_id: str) -> HttpResponse:
    found = selectors.notice_about(request.user, notice_id)
    if found is None:
        raise Http404
    form = forms.CounterNoticeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            counter_notices.submit_counter_notice(request.user, found.public_id, form.cleaned_data)
        except DomainError as error:
            _add_errors(form, error)
            status = error.status
        else:
            messages.success(request, "Counter-notice sent. We forwarded it to the complainant today.")
            return redirect("studio-dmca")
    return render(request, "moderation/counter_notice.html", {"form": form, "notice": found,
                                                              "copy": dmca_notices.uploader_copy(found)},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def takedown(request: HttpRequest) -> HttpResponse:
    form = forms.TakedownForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        leak = form.cleaned_data.get("leaked_copy")
        try:
            filed = creator_takedowns.file_takedown(
                request.user, infringing_urls=form.cleaned_data["infringing_urls"],
                work_description=form.cleaned_data["work_description"],
                original_public_id=str(form.cleaned_data["original"] or ""),
                leaked_image=leak.read() if leak else None)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            return render(request, "moderation/takedown_done.html", {"takedown": filed})
    elif request.method == "POST":
        status = 400
    return render(request, "moderation/takedown.html", {"form": form}, status=status)
