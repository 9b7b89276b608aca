"""Repeat-infringer policy (17 U.S.C. 512(i)(1)(A)): copyright strikes, their appeal window, and
termination when an account's active strikes reach DMCA_REPEAT_INFRINGER_THRESHOLD."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import CopyrightAppealWindowClosed, InvalidTransition, NotFoundError, PermissionDeniedError
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from moderation.models import CopyrightStrike, DmcaNotice
from moderation.services.enforcement import ban_account
from telemetry.events import emit
from telemetry.pseudonyms import actor_pseudonym, pseudonym


def policy() -> dict[str, int]:
    """What the public policy page states (from settings)."""
    return {"threshold": settings.DMCA_REPEAT_INFRINGER_THRESHOLD, "expiry_days": settings.DMCA_STRIKE_EXPIRY_DAYS,
            "appeal_window_days": settings.DMCA_STRIKE_APPEAL_WINDOW_DAYS,
            "restore_from": settings.DMCA_RESTORE_FROM_BUSINESS_DAY,
            "restore_by": settings.DMCA_RESTORE_BY_BUSINESS_DAY}


def active_strikes(user: Any) -> int:
    return CopyrightStrike.objects.filter(user=user, reversed_at__isnull=True, expires_at__gt=timezone.now()).count()


def record_strike(user: Any, notice: DmcaNotice) -> CopyrightStrike:
    strike, created = CopyrightStrike.objects.get_or_create(
        user=user, notice=notice,
        defaults={"expires_at": timezone.now() + timedelta(days=settings.DMCA_STRIKE_EXPIRY_DAYS)})
    if created:
        audit.record(actor=None, action="dmca.strike_recorded", obj=strike, details={"notice": str(notice.public_id)})
        emit("dmca.strike_recorded", {"strike_id": pseudonym("copyright_strike", strike.pk),
                                      "user_id": actor_pseudonym(user), "active_strikes": active_strikes(user),
                                      "threshold": settings.DMCA_REPEAT_INFRINGER_THRESHOLD},
             actor=None, source="worker")
    return strike


def apply_policy(user: Any) -> bool:
    """Terminate the account when its active strikes reach the threshold (True when it was terminated now)."""
    if user is None or not user.is_active:
        return False
    if active_strikes(user) < settings.DMCA_REPEAT_INFRINGER_THRESHOLD:
        return False
    ban_account(user, reason="repeat_infringer", source="dmca")
    return True


def reverse_strike(strike: CopyrightStrike, *, reason: str, actor: Any = None) -> None:
    with transaction.atomic():
        locked = CopyrightStrike.objects.select_for_update().get(pk=strike.pk)
        if locked.reversed_at:
            return
        locked.reversed_at, locked.reversal_reason = timezone.now(), reason[:40]
        locked.save(update_fields=["reversed_at", "reversal_reason"])
        audit.record(actor=actor, action="dmca.strike_reversed", obj=locked, reason=reason)


def appeal_strike(user: Any, strike_id: int, *, note: str = "") -> CopyrightStrike:
    """The account holder appeals a strike, once, within DMCA_STRIKE_APPEAL_WINDOW_DAYS of it."""
    with transaction.atomic():
        strike = CopyrightStrike.objects.select_for_update().filter(pk=strike_id, user=user).first()
        if strike is None:
            raise NotFoundError("No such strike on your account.")
        closes = strike.created_at + timedelta(days=settings.DMCA_STRIKE_APPEAL_WINDOW_DAYS)
        if timezone.now() > closes:
            raise CopyrightAppealWindowClosed(details={"closed_at": closes.isoformat()})
        if strike.appealed_at or strike.reversed_at:
            raise InvalidTransition("This strike was already appealed or reversed.",
                                    details={"machine": "copyright_strike", "from": "appealed", "to": "appealed"})
        strike.appealed_at, strike.appeal_note = timezone.now(), note[:2000]
        strike.save(update_fields=["appealed_at", "appeal_note"])
        audit.record(actor=user, action="dmca.strike_appealed", obj=strike)
    return strike


def decide_appeal(staff: Any, strike: CopyrightStrike, *, reverse: bool, reason: str) -> None:
    """Trust & Safety (with the second factor) upholds or reverses an appealed strike."""
    if not has_staff_powers(staff):
        raise PermissionDeniedError()
    strike = CopyrightStrike.objects.get(pk=strike.pk)
    if not strike.appealed_at:
        raise InvalidTransition("Only an appealed strike can be decided.",
                                details={"machine": "copyright_strike", "from": "active", "to": "decided"})
    if reverse:
        reverse_strike(strike, reason="appeal_upheld", actor=staff)
    else:
        audit.record(actor=staff, action="dmca.strike_appeal_rejected", obj=strike, reason=reason)
