"""The staff page to enrol a TOTP authenticator and (re)generate backup tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, TwoFactorVerificationRequired
from governance.forms import OtpTokenForm
from governance.services import two_factor


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
