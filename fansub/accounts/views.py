"""Web pages for accounts and creators. Thin: parse the form, call one service, render."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.forms import apply_domain_error
from fansub.accounts import selectors as account_selectors
from fansub.accounts.forms import CreatorProfileForm, FanProfileForm, LoginForm, SignupForm
from fansub.accounts.models import Role
from fansub.accounts.services import accounts
from fansub.posts import selectors
from fansub.verification.selectors import status_context


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    creators = selectors.discoverable_creators(request.user)[:24]
    return render(request, "accounts/home.html", {"creators": creators})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = accounts.SignupData(**form.cleaned_data)
        try:
            user = accounts.sign_up(data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Fan-Sub, @{user.handle}.")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.log_in(request, form.cleaned_data["email"], form.cleaned_data["password"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            login(request, user)
            next_url = request.GET.get("next", "")
            from django.utils.http import url_has_allowed_host_and_scheme

            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("home")
    return render(request, "accounts/login.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are logged out.")
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.CREATOR:
        profile = user.creator_profile
        form = CreatorProfileForm(request.POST or None, instance=profile)
        if request.method == "POST" and form.is_valid():
            try:
                accounts.update_creator_profile(user, {k: form.cleaned_data[k] for k in form.changed_data})
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, "Profile saved.")
                return redirect("profile-edit")
    else:
        profile = account_selectors.fan_profile(user)
        initial = ({"country": profile.country, "region": profile.region, "safe_mode": profile.safe_mode}
                   if profile else {})
        form = FanProfileForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                accounts.update_fan_profile(user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect("profile-edit")
    return render(request, "accounts/profile_edit.html", {"form": form, **status_context(user)})


def creator_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/creator_list.html", {"creators": selectors.discoverable_creators(request.user)})
