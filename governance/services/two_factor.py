"""Staff second factor: who holds staff powers, checking a one-time token, staff API tokens, and enrolment
(a TOTP authenticator confirmed by a first token, plus one-time backup tokens).

Staff powers exist only in sessions and tokens that passed the second factor: ``has_staff_powers`` is the one
predicate every gate asks. A session is verified when django-otp's middleware found the device that verified
it (``user.otp_device``); an API token when it was minted after a one-time token in the same request (the
authentication class in ``governance.authentication`` sets ``user.otp_device`` for such tokens). A staff
account with only a password is a plain user everywhere.

A staff member who already has a confirmed device must be OTP-verified in this session before adding or
replacing anything, otherwise a stolen password alone would be enough to enrol an attacker's phone.
"""

import io
from base64 import b32encode
from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import InvalidOtpToken, PermissionDeniedError, TwoFactorVerificationRequired
from governance.models import StaffTokenVerification
from governance.services import audit

BACKUP_DEVICE_NAME = "backup"
BACKUP_TOKEN_COUNT = 10
PENDING_TOTP_NAME = "authenticator (unconfirmed)"


def needs_second_factor(user: Any) -> bool:
    """Whether this account's staff powers (or superuser status) wait for a second factor."""
    return bool(settings.STAFF_REQUIRE_2FA and (getattr(user, "is_staff", False)
                                                 or getattr(user, "is_superuser", False)))


def is_second_factor_verified(user: Any) -> bool:
    """True when this very user object (a request's user) was verified by one of its confirmed devices."""
    device = getattr(user, "otp_device", None)
    return bool(device is not None and device.user_id == getattr(user, "pk", None)
                and getattr(device, "confirmed", False))


def has_staff_powers(user_or_request: Any) -> bool:
    """THE staff gate: an active staff account whose session or token passed the second factor.

    Takes a user (as services receive it: ``request.user``) or a request. A staff account that logged in with
    a password only gets False here and is treated as a plain user.
    """
    user = getattr(user_or_request, "user", user_or_request)
    if not (user is not None and getattr(user, "is_authenticated", False) and user.is_active
            and getattr(user, "is_staff", False)):
        return False
    return not settings.STAFF_REQUIRE_2FA or is_second_factor_verified(user)


def mark_verified(user: Any, device: Device) -> Any:
    """Record on this user object that ``device`` verified it (what django-otp's middleware does per request)."""
    user.otp_device = device
    user.is_verified = lambda: user.otp_device is not None
    return user


def as_verified_by_own_device(user: Any) -> Any:
    """For trusted server-side code with no request (the demo loader) acting as a staff member: the user marked
    verified by one of its own confirmed devices. Refuses an account with no confirmed device."""
    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is None:
        raise TwoFactorVerificationRequired("This staff account has no confirmed second-factor device.")
    return mark_verified(user, device)


def match_otp(user: Any, token: str | None) -> Device | None:
    """The user's confirmed device that accepts ``token`` (each device is tried; its own throttling applies)."""
    token = (token or "").strip()
    if not token or not getattr(user, "pk", None):
        return None
    return match_token(user, token)


def issue_staff_api_token(user: Any, device: Device) -> str:
    """A fresh API token for a staff account verified by ``device`` just now; earlier tokens stop working.

    Its staff powers last ``STAFF_API_TOKEN_TTL_SECONDS``; after that it authenticates a plain user.
    """
    from rest_framework.authtoken.models import Token

    if device is None or device.user_id != user.pk or not device.confirmed:
        raise PermissionDeniedError("A staff token needs a verified second factor.")
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        StaffTokenVerification.objects.create(
            token=token, device_id=device.persistent_id,
            expires_at=timezone.now() + timedelta(seconds=settings.STAFF_API_TOKEN_TTL_SECONDS))
        audit.record(actor=user, action="staff.api_token_issued", obj=user,
                     details={"ttl_seconds": settings.STAFF_API_TOKEN_TTL_SECONDS})
    return token.key


def device_for_token(token: Any) -> Device | None:
    """The device that verified this API token when it was minted, while that still counts; else None."""
    verification = StaffTokenVerification.objects.filter(token=token).first()
    if verification is None or verification.expires_at <= timezone.now():
        return None
    device = Device.from_persistent_id(verification.device_id)
    if device is None or device.user_id != token.user_id or not device.confirmed:
        return None
    return device


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _require_staff(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        raise PermissionDeniedError("Two-factor enrolment is for staff accounts.")


def require_may_enrol(user: Any, session_verified: bool) -> None:
    _require_staff(user)
    if has_confirmed_device(user) and not session_verified:
        raise TwoFactorVerificationRequired()


def pending_totp_device(user: Any, session_verified: bool) -> TOTPDevice:
    require_may_enrol(user, session_verified)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=PENDING_TOTP_NAME, confirmed=False)


def confirm_totp(user: Any, device_id: int, token: str, session_verified: bool) -> TOTPDevice:
    require_may_enrol(user, session_verified)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_token((token or "").strip()):
            raise InvalidOtpToken()
        device.confirmed = True
        device.name = "authenticator"
        device.save(update_fields=["confirmed", "name"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(actor=user, action="staff.2fa_enrolled", obj=device, details={"device": "totp"})
    return device


def regenerate_backup_tokens(user: Any, *, actor: Any = None) -> list[str]:
    """Replace every backup token of ``user`` with fresh single-use ones and return them (shown once)."""
    _require_staff(user)
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        tokens = [StaticToken.random_token() for _ in range(BACKUP_TOKEN_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
        audit.record(actor=actor or user, action="staff.2fa_backup_tokens_generated", obj=device,
                     details={"subject": user.pk, "count": len(tokens)})
    return tokens


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def manual_key(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
