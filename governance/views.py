"""The staff page to enrol a TOTP authenticator and (re)generate backup tokens."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, TwoFactorVerificationRequired
from common.forms import apply_domain_error
from governance import privacy_notice
from governance.forms import DeleteAccountForm, OtpTokenForm, PrivacyRequestForm
from governance.models import DsarKind, DsarStatus
from governance.services import dsar as dsar_service
from governance.services import export, two_factor


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_staff:
        messages.info(request, "Two-factor enrolment is for staff accounts.")
        return redirect("home")
    verified = user.is_verified()
    try:
        two_factor.require_may_enrol(user, verified)
    except TwoFactorVerificationRequired:
        messages.info(request, "Sign in with a code from your existing device first.")
        return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.path})}")
    backup_tokens: list[str] = []
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and request.POST.get("step") == "backup":
        if verified:
            backup_tokens = two_factor.regenerate_backup_tokens(user)
            messages.success(request, "New backup tokens generated. The old ones no longer work.")
        else:
            messages.error(request, "Confirm your authenticator first.")
        form = OtpTokenForm()
    elif request.method == "POST" and form.is_valid():
        device = two_factor.pending_totp_device(user, verified)
        try:
            device = two_factor.confirm_totp(user, device.pk, form.cleaned_data["token"], verified)
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            from django_otp import login as otp_login

            otp_login(request, device)
            backup_tokens = two_factor.regenerate_backup_tokens(user)
            messages.success(request, "Your authenticator is set up. Keep these backup tokens somewhere safe.")
            form = OtpTokenForm()
    device = None if backup_tokens else two_factor.pending_totp_device(user, user.is_verified())
    return render(request, "governance/two_factor.html", {
        "form": form, "device": device, "backup_tokens": backup_tokens,
        "qr_svg": two_factor.qr_svg(device) if device else "",
        "manual_key": two_factor.manual_key(device) if device else "",
        "has_device": two_factor.has_confirmed_device(user), "verified": user.is_verified(),
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def privacy_page(request: HttpRequest) -> HttpResponse:
    """/account/privacy/: ask for your data, correct it, follow your requests, delete your account."""
    user = request.user
    form = PrivacyRequestForm(request.POST if request.POST.get("action") == "request" else None)
    delete_form = DeleteAccountForm(request.POST if request.POST.get("action") == "delete" else None)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            dsar_service.withdraw(user, request.POST.get("request_id", ""))
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", "No such request."))
        else:
            messages.success(request, "Request withdrawn.")
        return redirect("privacy")
    if request.method == "POST" and request.POST.get("action") == "request" and form.is_valid():
        try:
            dsar_service.submit_own(user, form.cleaned_data["kind"], password=form.cleaned_data["password"],
                                    details=form.cleaned_data["details"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Request received. We answer within one month; exports usually take minutes.")
            return redirect("privacy")
    if request.method == "POST" and request.POST.get("action") == "delete" and delete_form.is_valid():
        try:
            dsar = dsar_service.submit_own(user, DsarKind.ERASURE, password=delete_form.cleaned_data["password"])
        except DomainError as error:
            apply_domain_error(delete_form, error)
        else:
            dsar.refresh_from_db()
            logout(request)
            return render(request, "governance/account_deleted.html", {"dsar": dsar, "report": dsar.report})
    requests = dsar_service.requests_of(user)
    building = any(r.status == DsarStatus.IN_PROGRESS and r.kind in (DsarKind.ACCESS, DsarKind.PORTABILITY)
                   for r in requests)
    rows = [{"r": r, "download": export.download_path(r) if r.export_key and r.export_expires_at
             and r.export_expires_at > timezone.now() else ""} for r in requests]
    return render(request, "governance/privacy.html", {
        "form": form, "delete_form": delete_form, "rows": rows, "building": building,
        "art15": privacy_notice.art15(),
    })


@never_cache
@login_required
@require_http_methods(["GET"])
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        dsar, handle = export.open_export(token, request.user)
    except DomainError as error:
        return render(request, "governance/export_unavailable.html", {"message": error.message},
                      status=error.status)
    return FileResponse(handle, as_attachment=True, filename=f"fansub-data-{str(dsar.public_id)[:8]}.zip",
                        content_type="application/zip")
