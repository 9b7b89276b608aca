"""Account actions: sign-up, log-in with throttling, profile edits. The only code that writes them."""

import hashlib
import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from PIL import Image, ImageOps
from rest_framework.authtoken.models import Token

from common import trust
from common.countries import MESSAGE as COUNTRY_MESSAGE
from common.countries import is_country_code
from common.errors import (
    AgeVerificationRequired,
    CurrentPasswordWrong,
    EmailChangeLinkInvalid,
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


def signup_problems(data: SignupData) -> dict[str, list[str]]:
    """Every problem with a sign-up at once (the page shows them together, not in rounds)."""
    errors = _field_errors(data)
    if not data.attests_adult:
        errors["attests_adult"] = [MinorRefused.default_message]
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


MAX_TAGS = 8


def normalize_tags(raw: object) -> str:
    """``"Watercolour, #Tutorials , watercolour"`` → ``"watercolour,tutorials"``; at most ``MAX_TAGS``."""
    if not isinstance(raw, str):
        raise ValidationFailed(details={"tags": ["Enter tags as text, comma separated."]})
    tags: list[str] = []
    for part in raw.split(","):
        tag = part.strip().lstrip("#").lower()
        if tag and tag not in tags:
            if len(tag) > 30 or not all(ch.isalnum() or ch in " -_" for ch in tag):
                problem = f"“{tag[:30]}” is not a tag: letters, digits, spaces, - and _."
                raise ValidationFailed(details={"tags": [problem]})
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationFailed(details={"tags": [f"At most {MAX_TAGS} tags."]})
    return ",".join(tags)


def update_creator_profile(user: User, changes: dict[str, Any]) -> CreatorProfile:
    allowed = {"display_name", "bio", "avatar", "banner", "is_adult", "country", "category", "tags"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(details={name: ["Not editable."] for name in sorted(unknown)})
    if "country" in changes:
        _check_country(changes["country"])
    if "tags" in changes:
        changes = {**changes, "tags": normalize_tags(changes["tags"])}
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


EMAIL_CHANGE_SALT = "fansub.accounts.email-change"


def change_password(user: User, current_password: str, new_password: str) -> User:
    """Change the password after re-checking the current one; every other session is ended by Django's
    session hash (the caller keeps the current one with ``update_session_auth_hash``)."""
    if not user.check_password(current_password):
        raise CurrentPasswordWrong(details={"current_password": [CurrentPasswordWrong.default_message]})
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="account.password_changed", obj=user)
        emit("account.password_changed", {}, actor=user)
    address = user.email
    transaction.on_commit(lambda: send_mail(
        "Fan-Sub: your password was changed",
        "Your Fan-Sub password was just changed. If this was not you, reset it now: "
        f"{settings.SITE_URL.rstrip('/')}/account/password-reset/\n", None, [address], fail_silently=True))
    return user


def request_email_change(user: User, current_password: str, new_email: str) -> str:
    """Send a confirmation link to the new address; the address changes only when the link is opened.
    Returns the signed token (the link's last part). The old address is told too."""
    new_email = new_email.strip().lower()
    if not user.check_password(current_password):
        raise CurrentPasswordWrong(details={"current_password": [CurrentPasswordWrong.default_message]})
    try:
        validate_email(new_email)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"new_email": list(exc.messages)}) from exc
    if new_email == user.email.lower():
        raise ValidationFailed(details={"new_email": ["This is already your email address."]})
    if User.objects.filter(email__iexact=new_email).exists():
        raise ValidationFailed(details={"new_email": ["An account with this email already exists."]})
    # The token names the address it replaces: once the change is made (or another one is), it is spent.
    token = signing.dumps({"u": user.pk, "old": user.email.lower(), "new": new_email}, salt=EMAIL_CHANGE_SALT)
    link = f"{settings.SITE_URL.rstrip('/')}/account/email/confirm/{token}/"
    with transaction.atomic():
        audit.record(actor=user, action="account.email_change_requested", obj=user)
        emit("account.email_change_requested", {}, actor=user)
    old = user.email
    transaction.on_commit(lambda: (
        send_mail("Fan-Sub: confirm your new email address",
                  f"Open this link to use this address for your Fan-Sub account:\n\n{link}\n\n"
                  f"The link works for {settings.EMAIL_CHANGE_LINK_MAX_AGE_SECONDS // 3600} hours.\n",
                  None, [new_email], fail_silently=True),
        send_mail("Fan-Sub: email change requested",
                  "Someone asked to move your Fan-Sub account to another email address. If this was not you, "
                  "change your password now.\n", None, [old], fail_silently=True)))
    return token


def confirm_email_change(user: User, token: str) -> User:
    """Open a confirmation link while logged in as the account it belongs to."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_LINK_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:
        raise EmailChangeLinkInvalid() from exc
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise EmailChangeLinkInvalid()
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.email.lower() != data.get("old"):
                raise EmailChangeLinkInvalid()
            if User.objects.filter(email__iexact=data["new"]).exclude(pk=user.pk).exists():
                raise ValidationFailed(details={"new_email": ["An account with this email already exists."]})
            locked.email = data["new"]
            locked.save(update_fields=["email"])
            audit.record(actor=locked, action="account.email_changed", obj=locked)
            emit("account.email_changed", {}, actor=locked)
    except IntegrityError as exc:
        raise ValidationFailed(details={"new_email": ["An account with this email already exists."]}) from exc
    user.email = locked.email
    return locked


PROFILE_IMAGE_BOXES = {"avatar": (512, 512), "banner": (1500, 500)}
PROFILE_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
PROFILE_IMAGE_MAX_BYTES = 8 * 1024 * 1024
PROFILE_IMAGE_MAX_PIXELS = 40_000_000


def set_profile_image(user: User, which: str, upload: Any) -> CreatorProfile:
    """Replace a creator's avatar or banner. The file is judged by its content (Pillow decodes it fully;
    the name and declared type count for nothing), then re-encoded as a fresh JPEG without metadata, turned
    upright and fitted into its box: nothing of the original file (EXIF, GPS, trailing data) is kept."""
    if which not in PROFILE_IMAGE_BOXES:
        raise ValidationFailed(details={"image": ["Choose avatar or banner."]})
    profile = CreatorProfile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationFailed(details={which: ["Only creators have a profile picture and banner."]})
    if upload is None or getattr(upload, "size", 0) == 0:
        raise ValidationFailed(details={which: ["Choose an image file."]})
    if upload.size > PROFILE_IMAGE_MAX_BYTES:
        raise ValidationFailed(details={which: ["The image is larger than 8 MB."]})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PROFILE_IMAGE_FORMATS:
                raise ValidationFailed(details={which: ["Use a JPEG, PNG, WebP or GIF image."]})
            if probe.width * probe.height > PROFILE_IMAGE_MAX_PIXELS:
                raise ValidationFailed(details={which: ["The image has too many pixels."]})
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(details={which: ["This file is not an image we can read."]}) from exc
    image.thumbnail(PROFILE_IMAGE_BOXES[which])
    out = BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    with transaction.atomic():
        profile = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
        old = getattr(profile, which)
        old_name = old.name if old else ""
        getattr(profile, which).save(f"{user.pk}-{uuid.uuid4().hex}.jpg", ContentFile(out.getvalue()), save=False)
        profile.save(update_fields=[which, "updated_at"])
        emit("account.profile_updated", {"profile": "creator", "safe_mode": None}, actor=user)
        if old_name:
            storage = getattr(profile, which).storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return profile
