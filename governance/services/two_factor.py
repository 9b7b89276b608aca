"""Staff two-factor enrolment: a TOTP authenticator confirmed by a first token, plus one-time backup tokens.

A staff member who already has a confirmed device must be OTP-verified in this session before adding or
replacing anything, otherwise a stolen password alone would be enough to enrol an attacker's phone.
"""

import io
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import InvalidOtpToken, PermissionDeniedError, TwoFactorVerificationRequired
from governance.services import audit

BACKUP_DEVICE_NAME = "backup"
BACKUP_TOKEN_COUNT = 10
PENDING_TOTP_NAME = "authenticator (unconfirmed)"


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
