"""Verification pages: a fan's "Verify your age", the development simulator, a creator's identity form."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.forms import apply_domain_error
from fansub.accounts import selectors as account_selectors
from fansub.accounts.models import Role
from fansub.verification import selectors as verification_selectors
from fansub.verification.age_rules import AgeMethod, jurisdiction_of, method_choices_for
from fansub.verification.forms import AgeMethodForm, ElectronicReleaseForm, IdentityForm
from fansub.verification.models import AgeCheck
from fansub.verification.models import VerificationStatus as S
from fansub.verification.services import age_assurance, creator_verification, performers
from fansub.verification.services.age_providers.simulator import SimulatorProvider


@login_required
@require_http_methods(["GET", "POST"])
def verify_age(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.FAN:
        messages.info(request, "Age checks are for fans; creators verify their identity instead.")
        return redirect("verify-identity" if request.user.role == Role.CREATOR else "profile-edit")
    profile = account_selectors.fan_profile(request.user)
    if profile is None:
        raise Http404("This account has no fan profile.")
    rule = age_assurance.rule_for_user(request.user)
    form = AgeMethodForm(request.POST or None, choices=method_choices_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            started = age_assurance.start_check(request.user, form.cleaned_data["method"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect(started.redirect_url)
    return render(request, "verification/verify_age.html", {
        "form": form, "rule": rule, "jurisdiction": jurisdiction_of(profile.country, profile.region),
        "met": age_assurance.has_valid_age_assurance(request.user),
        "latest": age_assurance.latest_check(request.user), "safe_mode": profile.safe_mode,
    })


def _simulated_check(request: HttpRequest, reference: str) -> AgeCheck:
    if not settings.AGE_SIMULATOR_ENABLED:
        raise Http404("The simulator is switched off.")
    check = verification_selectors.simulator_check(request.user, reference)
    if check is None:
        raise Http404("No such session.")
    return check


@login_required
@require_http_methods(["GET", "POST"])
def age_simulator(request: HttpRequest, reference: str) -> HttpResponse:
    """Development only: plays a provider's hosted page and sends a signed callback like a provider would."""
    check = _simulated_check(request, reference)
    if request.method == "POST":
        result = request.POST.get("result")
        if result not in ("passed", "failed") or check.status != S.PENDING:
            messages.error(request, "This simulated session is already finished.")
            return redirect("verify-age")
        headers, body = SimulatorProvider().signed_callback(reference, result, check.method,
                                                            timestamp=int(time.time()))
        try:
            age_assurance.handle_callback(SimulatorProvider.name, headers, body)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if result == "passed":
                messages.success(request, "Age check passed. You can now turn safe mode off in your settings.")
            else:
                messages.warning(request, "Age check failed. You can try again with another method.")
        return redirect("verify-age")
    return render(request, "verification/age_simulator.html",
                  {"check": check, "method_label": dict(AgeMethod.choices).get(check.method, check.method)})


@login_required
@require_http_methods(["GET", "POST"])
def verify_identity(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CREATOR:
        messages.info(request, "Identity verification is for creators.")
        return redirect("verify-age" if request.user.role == Role.FAN else "profile-edit")
    current = creator_verification.current_verification(request.user)
    can_submit = current is None or current.status in (S.REJECTED, S.EXPIRED)
    form = IdentityForm(request.POST or None, request.FILES or None) if can_submit else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["aliases"] = [line for line in data.pop("aliases", "").splitlines() if line.strip()]
        try:
            creator_verification.submit_identity(request.user, creator_verification.IdentitySubmission(**data))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Thank you. Our Custodian of Records will review your documents.")
            return redirect("verify-identity")
    return render(request, "verification/verify_identity.html", {
        "form": form, "current": current, "verified": creator_verification.is_verified_creator(request.user),
    })


@login_required
def my_releases(request: HttpRequest) -> HttpResponse:
    """The co-performer releases this creator was asked to sign."""
    return render(request, "verification/releases.html",
                  {"releases": verification_selectors.releases_for_signer(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    """Review, then sign or decline, a co-performer release (only the tagged creator sees it)."""
    release = verification_selectors.release_for_signer(request.user, release_id)
    if release is None:
        raise Http404
    text = performers.release_text(release)
    digest = performers.release_text_sha256(release)
    form = ElectronicReleaseForm(initial={"text_sha256": digest})
    if request.method == "POST":
        ip_address = request.META.get("REMOTE_ADDR") or None
        try:
            if request.POST.get("action") == "decline":
                performers.decline_release(request.user, release.pk, ip_address=ip_address)
                messages.info(request, "You declined. The post will not be published with you tagged.")
                return redirect("release-detail", release_id=release.pk)
            form = ElectronicReleaseForm(request.POST)
            if form.is_valid():
                performers.sign_release(request.user, release.pk, consent=form.cleaned_data["consent"],
                                        signature_name=form.cleaned_data["signature_name"],
                                        text_sha256=form.cleaned_data["text_sha256"], ip_address=ip_address)
                messages.success(request, "Signed. Thank you: the release is kept with the producer records.")
                return redirect("release-detail", release_id=release.pk)
        except DomainError as error:
            if form.is_bound:
                apply_domain_error(form, error)
            else:
                messages.error(request, error.message)
        release = verification_selectors.release_for_signer(request.user, release_id)
    return render(request, "verification/release_detail.html",
                  {"release": release, "text": text, "digest": digest, "form": form})
