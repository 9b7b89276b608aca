"""Web pages for accounts and creators. Thin: parse the form, call one service, render."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.forms import apply_domain_error
from fansub.accounts import selectors as account_selectors
from fansub.accounts.forms import (
    CreatorProfileForm,
    EmailChangeForm,
    FanProfileForm,
    LoginForm,
    NotificationPreferencesForm,
    PasswordChangeForm,
    ProfileImageForm,
    SignupForm,
)
from fansub.accounts.models import CreatorCategory, NotificationKind, Role
from fansub.accounts.services import accounts, notifications
from fansub.offers import selectors as offer_selectors
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
    if request.method == "POST":
        form.is_valid()
        # Every problem in one round: the service's checks run even when the form already found some.
        raw = {name: form.cleaned_data[name] if name in form.cleaned_data else form[name].data for name in form.fields}
        data = accounts.SignupData(**{k: (bool(v) if k == "attests_adult" else str(v or "")) for k, v in raw.items()})
        for field, problems in accounts.signup_problems(data).items():
            if field in form.fields and field not in form.errors:
                for problem in problems:
                    form.add_error(field, problem)
        if not form.errors:
            try:
                user = accounts.sign_up(data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome to Fan-Sub, @{user.handle}.")
                return redirect("welcome")
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
    images = None
    if user.role == Role.CREATOR:
        images = [{"which": which, "label": label, "current": getattr(user.creator_profile, which),
                   "form": ProfileImageForm(initial={"which": which}, auto_id=f"id_{which}_%s")}
                  for which, label in (("avatar", "Profile picture"), ("banner", "Banner"))]
    return render(request, "accounts/profile_edit.html", {"form": form, "images": images, **status_context(user)})


@login_required
@require_POST
def profile_image(request: HttpRequest) -> HttpResponse:
    form = ProfileImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose an image file to upload.")
        return redirect("profile-edit")
    try:
        accounts.set_profile_image(request.user, form.cleaned_data["which"], form.cleaned_data["image"])
    except DomainError as error:
        problems = [p for value in error.details.values() if isinstance(value, list) for p in value]
        messages.error(request, " ".join(problems) or error.message)
    else:
        messages.success(request, "Picture saved.")
    return redirect("profile-edit")


def creator_image(request: HttpRequest, handle: str, which: str) -> HttpResponse:
    """A creator's avatar or banner, to whoever may see the creator (adult creators only to those allowed)."""
    profile = selectors.creator_by_handle(request.user, handle)
    image = getattr(profile, which, None) if profile and which in ("avatar", "banner") else None
    if not image:
        raise Http404("No such picture")
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def creator_list(request: HttpRequest) -> HttpResponse:
    """Creator search by name, handle or tag, with a category filter. Only creators this visitor may see
    (adult creators stay hidden in safe mode and from visitors without a passing age check)."""
    query = request.GET.get("q", "")[:80]
    category = request.GET.get("category", "")
    if category not in CreatorCategory.values:
        category = ""
    creators = account_selectors.search_creators(selectors.discoverable_creators(request.user), query, category)
    return render(request, "accounts/creator_list.html", {
        "creators": creators[:60], "q": query, "category": category, "categories": CreatorCategory.choices})


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    """The first-run page after sign-up: the next step for a fan (age check, find creators) or a creator
    (the onboarding path)."""
    if request.user.role == Role.CREATOR:
        return redirect("creator-onboarding")
    return render(request, "accounts/welcome.html", status_context(request.user))


@login_required
def creator_onboarding(request: HttpRequest) -> HttpResponse:
    """Become a creator → identity verification → payout setup → first tier → first post, with progress."""
    user = request.user
    is_creator = user.role == Role.CREATOR
    status = status_context(user) if is_creator else {}
    profile = getattr(user, "creator_profile", None) if is_creator else None
    steps = [
        {"title": "Create a creator account", "done": is_creator, "url": "signup",
         "text": "Creator pages belong to creator accounts."},
        {"title": "Verify your identity", "done": bool(status.get("verified")), "url": "verify-identity",
         "text": "Needed before fans can pay you."},
        {"title": "Set up payouts", "done": bool(profile and profile.payout_ready), "url": "studio-money",
         "text": "Connect the account your earnings are paid to."},
        {"title": "Create your first tier", "done": is_creator and offer_selectors.all_tiers(user).exists(),
         "url": "studio-tiers", "text": "A monthly subscription fans can join."},
        {"title": "Publish your first post", "done": is_creator and bool(
            selectors.creator_posts(user, user.pk, size=1).cards), "url": "studio-compose",
         "text": "Give subscribers something to see."},
    ]
    done = sum(1 for step in steps if step["done"])
    current = next((index for index, step in enumerate(steps) if not step["done"]), None)
    return render(request, "accounts/onboarding.html", {
        "steps": steps, "done": done, "total": len(steps), "current": current, "is_creator": is_creator})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.change_password(request.user, form.cleaned_data["current_password"],
                                            form.cleaned_data["new_password"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            update_session_auth_hash(request, user)  # this session stays; every other one ends
            messages.success(request, "Password changed. Other devices were logged out.")
            return redirect("profile-edit")
    return render(request, "accounts/form_page.html", {
        "form": form, "title": "Change your password", "submit": "Change password"})


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_email_change(request.user, form.cleaned_data["current_password"],
                                          form.cleaned_data["new_email"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "We sent a confirmation link to your new address. Your email changes "
                                      "when you open it.")
            return redirect("profile-edit")
    return render(request, "accounts/form_page.html", {
        "form": form, "title": "Change your email address", "submit": "Send confirmation link",
        "intro": f"Your current address is {request.user.email}."})


@login_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            user = accounts.confirm_email_change(request.user, token)
        except DomainError as error:
            return render(request, "accounts/email_confirm.html", {"error": error.message}, status=error.status)
        messages.success(request, f"Your email address is now {user.email}.")
        return redirect("profile-edit")
    return render(request, "accounts/email_confirm.html", {})


@login_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/notifications.html", {
        "notifications": account_selectors.notifications_for(request.user)})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = notifications.mark_read(request.user, notification_id)
    except DomainError as error:
        return render(request, "accounts/notifications.html", {
            "notifications": account_selectors.notifications_for(request.user), "error": error.message},
            status=error.status)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, {request.get_host()},
                                                            request.is_secure()):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(request.user)
    messages.info(request, f"Marked {count} notification{'' if count == 1 else 's'} read.")
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = {kind.value: notifications.channels(request.user, kind.value) for kind in NotificationKind}
    form = NotificationPreferencesForm(request.POST or None, initial_channels=current)
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(request.user, form.choices())
        messages.success(request, "Notification settings saved.")
        return redirect("notification-settings")
    rows = [{"label": kind.label, "in_app": form[f"{kind.value}__in_app"], "email": form[f"{kind.value}__email"]}
            for kind in NotificationKind]
    return render(request, "accounts/notification_settings.html", {"form": form, "rows": rows})
