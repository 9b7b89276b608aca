"""Account actions: sign-up, log-in with throttling, profile edits. The only code that writes them."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from common import trust
from common.countries import MESSAGE as COUNTRY_MESSAGE
from common.countries import is_country_code
from common.errors import (
    AgeVerificationRequired,
    InvalidCredentials,
    MinorRefused,
    RateLimited,
    ValidationFailed,
)
from fansub.accounts.models import CreatorProfile, FanProfile, Role, User
from fansub.accounts.models.users import HANDLE_VALIDATOR, RESERVED_HANDLES
from fansub.verification.age_rules import jurisdiction_of
from fansub.verification.services.age_assurance import note_jurisdiction, satisfies_profile
from governance.services import audit, two_factor
from telemetry.events import emit


@dataclass(frozen=True)
class SignupData:
    email: str
    handle: str
    password: str
    role: str  # "fan" or "creator"
    attests_adult: bool
    country: str = ""
    region: str = ""
    display_name: str = ""


def _field_errors(data: SignupData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    handle = data.handle.strip().lower()
    try:
        HANDLE_VALIDATOR(handle)
    except DjangoValidationError as exc:
        errors["handle"] = list(exc.messages)
    if handle in RESERVED_HANDLES:
        errors.setdefault("handle", []).append("This handle is reserved.")
    elif User.objects.filter(handle__iexact=handle).exists():
        errors.setdefault("handle", []).append("This handle is taken.")
    if User.objects.filter(email__iexact=data.email.strip()).exists():
        errors["email"] = ["An account with this email already exists."]
    if data.role not in (Role.FAN, Role.CREATOR):
        errors["role"] = ["Choose fan or creator."]
    try:
        validate_password(data.password, User(email=data.email, handle=handle))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if data.country and not is_country_code(data.country.upper()):
        errors["country"] = [COUNTRY_MESSAGE]
    return errors


def sign_up(data: SignupData) -> User:
    """Create an account. A person who does not attest to being 18+ is refused and nothing is kept."""
    if not data.attests_adult:
        raise MinorRefused(details={"field": "attests_adult"})
    errors = _field_errors(data)
    if errors:
        raise ValidationFailed(details=errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=data.email.strip(), handle=data.handle.strip(), password=data.password, role=data.role,
            )
            country = data.country.upper()
            if data.role == Role.CREATOR:
                CreatorProfile.objects.create(user=user, display_name=data.display_name.strip() or user.handle,
                                              country=country)
            else:
                FanProfile.objects.create(user=user, country=country, region=data.region.upper())
            emit("account.signed_up", {"role": user.role, "country": country or None}, actor=user)
    except IntegrityError as exc:  # a concurrent sign-up took the email or handle
        raise ValidationFailed(details={"handle": ["This handle or email is taken."]}) from exc
    return user


def _throttle_key(email: str, request: HttpRequest | None) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    digest = hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def _email_throttle_key(email: str) -> str:
    return "login-failures-account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _count_failure(keys: tuple[str, str]) -> None:
    for key in keys:
        cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def log_in(request: HttpRequest | None, email: str, password: str, *, surface: str = "page",
           otp_token: str | None = None, staff_only: bool = False) -> User:
    """Check credentials with brute-force throttling per account+address and per account.

    ``otp_token=None`` (the site's /login/ page): password only; a staff account gets a plain-user session.
    ``otp_token`` given as a string (API token, admin): a staff account must also pass its second factor, and
    the returned user carries the verifying device (``user.otp_device``). ``staff_only`` (admin): only staff.
    Every failure — password, missing or wrong one-time token, not staff — is the same INVALID_CREDENTIALS
    and counts towards the throttle, so none of them tells an attacker the password was right.
    """
    limit = settings.LOGIN_FAILURE_LIMIT
    keys = (_throttle_key(email, request), _email_throttle_key(email))
    account_limit = limit * 4  # one address may not lock a victim out quickly, many addresses still stop
    if (cache.get(keys[0], 0) >= limit) or (cache.get(keys[1], 0) >= account_limit):
        emit("account.login_throttled", {"surface": surface}, actor=None)
        raise RateLimited(details={"retry_after_seconds": settings.LOGIN_FAILURE_WINDOW_SECONDS})
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is not None and staff_only and not (user.is_staff and user.is_active):
        user = None
    if user is not None and otp_token is not None and two_factor.needs_second_factor(user):
        device = two_factor.match_otp(user, otp_token)
        user = two_factor.mark_verified(user, device) if device is not None else None
    if user is None:
        _count_failure(keys)
        emit("account.login_failed", {"surface": surface}, actor=None)
        raise InvalidCredentials()
    cache.delete(keys[0])
    emit("account.logged_in", {"surface": surface}, actor=user)
    return user


def issue_api_token(request: HttpRequest | None, email: str, password: str, otp_token: str = "") -> str:
    """Exchange credentials for an API token.

    Fans and creators: email + password, one long-lived token. Staff (and superusers): email + password +
    ``otp_token`` from a confirmed device, in the same request; without it nothing is minted (the answer is
    the same INVALID_CREDENTIALS as a wrong password). A staff token is fresh on every log-in (older ones
    stop working) and holds staff powers for ``STAFF_API_TOKEN_TTL_SECONDS``.
    """
    user = log_in(request, email, password, surface="api", otp_token=otp_token or "")
    if two_factor.needs_second_factor(user):
        return two_factor.issue_staff_api_token(user, user.otp_device)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _check_country(country: object) -> None:
    """Profiles keep an assigned ISO 3166-1 alpha-2 code or nothing (never ``ZZ`` or markup)."""
    if not isinstance(country, str) or (country and not is_country_code(country.upper())):
        raise ValidationFailed(details={"country": [COUNTRY_MESSAGE]})


def update_fan_profile(user: User, *, country: str | None = None, region: str | None = None,
                       safe_mode: bool | None = None) -> FanProfile:

    with transaction.atomic():
        profile, _ = FanProfile.objects.select_for_update().get_or_create(user=user)
        declared = jurisdiction_of(profile.country, profile.region)
        if country is not None:
            _check_country(country)
            profile.country = country.upper()
        if region is not None:
            profile.region = region.upper()
        # Judged under the jurisdiction being saved and every one declared or seen since the last passed check:
        # moving somewhere stricter needs a new check, moving somewhere laxer never lowers the bar until one passes.
        if jurisdiction_of(profile.country, profile.region) != declared:
            note_jurisdiction(user, profile, declared)
        verified = satisfies_profile(user, profile)
        if safe_mode is False and not verified:
            raise AgeVerificationRequired("Safe mode can only be turned off after age verification.")
        if safe_mode is not None:
            profile.safe_mode = safe_mode
        elif not verified:
            profile.safe_mode = True
        profile.save()
        emit("account.profile_updated", {"profile": "fan", "safe_mode": profile.safe_mode}, actor=user)
    return profile


def update_creator_profile(user: User, changes: dict[str, Any]) -> CreatorProfile:
    allowed = {"display_name", "bio", "avatar", "banner", "is_adult", "country"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(details={name: ["Not editable."] for name in sorted(unknown)})
    if "country" in changes:
        _check_country(changes["country"])
    profile = CreatorProfile.objects.get(user=user)
    shown = "\n".join(str(changes[k]) for k in ("display_name", "bio") if k in changes)
    hold = trust.screen_text(trust.PROFILE, shown, author=user)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(profile, name, value.upper() if name == "country" else value)
        profile.full_clean()
        profile.save()
        if hold is not None:
            hold.queue(user.pk, user)
        emit("account.profile_updated", {"profile": "creator", "safe_mode": None}, actor=user)
        if "is_adult" in changes:
            audit.record(actor=user, action="creator.adult_flag_changed", obj=profile,
                         details={"is_adult": bool(changes["is_adult"])})
    return profile
