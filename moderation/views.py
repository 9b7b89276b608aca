"""DMCA pages: the public notice form and policy page, the complainant's suit link, and the creator's studio
pages (notices about their content with the counter-notice form, and takedowns of leaks elsewhere)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, NotFoundError
from moderation import forms, selectors
from moderation.services import counter_notices, creator_takedowns, dmca_notices, repeat_infringers


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
