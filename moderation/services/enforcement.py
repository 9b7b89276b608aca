"""Account-level enforcement: ban, suspension, payout freeze (the contract the DMCA side calls too).

``ban_account`` and ``freeze_payouts`` may be called by staff actions (``actor`` a staff user) or by policy
(``actor=None``: repeat-infringer termination, a hash match). Payments learns of a freeze through the
``payouts_blocked`` hook registered in ``ModerationConfig.ready``."""

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from common.errors import ValidationFailed
from fansub.accounts.services import page_stamps
from fansub.subscriptions.services import termination
from governance.services import audit
from moderation.models import AccountStanding
from moderation.services import notices
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

User = get_user_model()


def standing_for_update(user: Any) -> AccountStanding:
    AccountStanding.objects.get_or_create(user_id=user.pk)
    return AccountStanding.objects.select_for_update().get(user_id=user.pk)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": ["A reason is required."]})
    return reason[:2000]


def revoke_access(user: Any) -> int:
    """Sign the account out everywhere: API tokens deleted, sessions that belong to it deleted."""
    Token.objects.filter(user_id=user.pk).delete()
    stale = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in stale:  # through the store: a cached session goes from the cache too, not only from the table
        store(session_key=key).delete()
    return len(stale)


def _deactivate(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(is_active=False)
    page_stamps.touch_viewers([user_id])
    page_stamps.touch_creators([user_id])


def freeze_payouts(user: Any, *, reason: str, actor: Any = None, source: str = "moderation") -> None:
    """Payout runs skip this creator until a staff member lifts the freeze (audited)."""
    reason = _reason(reason)
    with transaction.atomic():
        standing = standing_for_update(user)
        if standing.payouts_frozen:
            return
        standing.payouts_frozen, standing.payouts_frozen_reason = True, reason[:200]
        standing.save(update_fields=["payouts_frozen", "payouts_frozen_reason", "updated_at"])
        audit.record(actor=actor, action="moderation.payouts_frozen", object_type="accounts.user",
                     object_id=str(user.pk), reason=reason, details={"source": source})
        emit("moderation.payouts_frozen", {"subject_id": pseudonym("user", user.pk), "source": source,
                                           "frozen": True}, actor=actor, source=_component(actor))


def lift_payout_freeze(user: Any, *, reason: str, actor: Any) -> None:
    reason = _reason(reason)
    with transaction.atomic():
        standing = standing_for_update(user)
        if not standing.payouts_frozen:
            return
        standing.payouts_frozen, standing.payouts_frozen_reason = False, ""
        standing.save(update_fields=["payouts_frozen", "payouts_frozen_reason", "updated_at"])
        audit.record(actor=actor, action="moderation.payouts_unfrozen", object_type="accounts.user",
                     object_id=str(user.pk), reason=reason)
        emit("moderation.payouts_frozen", {"subject_id": pseudonym("user", user.pk), "source": "moderation",
                                           "frozen": False}, actor=actor, source=_component(actor))


def ban_account(user: Any, *, reason: str, actor: Any = None, source: str = "moderation",
                notify: bool = True) -> None:
    """Ends the account: user.is_active=False, sessions/tokens revoked, subscriptions ended at once with
    pro-rata refunds, payouts frozen pending review, audit row, event, notice to the user.

    ``notify=False`` when the caller (a moderation action) sends its own statement of reasons."""
    reason = _reason(reason)
    with transaction.atomic():
        standing = standing_for_update(user)
        first = standing.banned_at is None
        if first:
            standing.banned_at = timezone.now()
            standing.save(update_fields=["banned_at", "updated_at"])
            _deactivate(user.pk)
            audit.record(actor=actor, action="moderation.account_banned", object_type="accounts.user",
                         object_id=str(user.pk), reason=reason, details={"source": source})
            emit("moderation.account_banned", {"subject_id": pseudonym("user", user.pk), "source": source},
                 actor=actor, source=_component(actor))
            if notify:
                notices.send("account_banned", user.email, {"user": user, "reason": reason})
    freeze_payouts(user, reason=f"account banned: {reason}", actor=actor, source=source)
    revoke_access(user)
    # Outside any transaction: refunds call the provider. Idempotent (ended subscriptions are skipped).
    termination.end_all_for_account(user, reason="account_banned", actor=actor)


def suspend(user: Any, *, until: datetime) -> None:
    """Called by a moderation action in its transaction: the account cannot sign in until ``until``."""
    standing = standing_for_update(user)
    standing.suspended_until = until
    standing.save(update_fields=["suspended_until", "updated_at"])
    _deactivate(user.pk)


def lift_suspensions_due(now: datetime | None = None) -> int:
    """Beat: accounts whose suspension ended (and that are not banned) may sign in again."""
    now = now or timezone.now()
    lifted = 0
    for standing in AccountStanding.objects.filter(suspended_until__lte=now, banned_at__isnull=True):
        with transaction.atomic():
            locked = standing_for_update(standing.user)
            if locked.suspended_until is None or locked.suspended_until > now or locked.banned_at:
                continue
            locked.suspended_until = None
            locked.save(update_fields=["suspended_until", "updated_at"])
            User.objects.filter(pk=locked.user_id).update(is_active=True)
            page_stamps.touch_viewers([locked.user_id])
            page_stamps.touch_creators([locked.user_id])
            audit.record(actor=None, action="moderation.suspension_ended", object_type="accounts.user",
                         object_id=str(locked.user_id))
            lifted += 1
    return lifted


def _component(actor: Any) -> str:
    return "admin" if getattr(actor, "pk", None) else "worker"
