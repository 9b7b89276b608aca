"""Appeals: one per action, within MODERATION_APPEAL_WINDOW_DAYS, by the affected account; decided by a
different staff member than the one who took the action. Overturning reverses what can be reversed."""

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import AppealNotAllowed, NotFoundError, PermissionDeniedError, ValidationFailed
from fansub.accounts.services import page_stamps
from fansub.media.models import MediaItem
from fansub.media.services import moderation as media_moderation
from fansub.posts.services import moderation as post_moderation
from governance.services import audit
from moderation.models import (
    APPEAL_TRANSITIONS,
    REPORT_TRANSITIONS,
    AccountStanding,
    ActionKind,
    Appeal,
    AppealStatus,
    ModerationAction,
    ReportStatus,
    TargetKind,
)
from moderation.services import notices
from moderation.services.reports import require_moderator
from telemetry.events import emit

User = get_user_model()


def _action_for(user: Any, action_public_id: str) -> ModerationAction:
    action = ModerationAction.objects.filter(public_id=action_public_id).select_related("report").first() \
        if _is_uuid(action_public_id) else None
    if action is None or action.subject_id != getattr(user, "pk", None):
        raise NotFoundError("No such decision on your account.")
    return action


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


TOKEN_SALT = "moderation.appeal"


def appeal_token(action: ModerationAction) -> str:
    """Sent in the statement of reasons: a suspended or banned account cannot sign in, yet may appeal."""
    return signing.dumps({"a": str(action.public_id), "u": action.subject_id}, salt=TOKEN_SALT, compress=True)


def user_for_token(action_public_id: str, token: str) -> Any:
    """The affected account named by a valid appeal token for this action, or None."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT,
                             max_age=timedelta(days=settings.MODERATION_APPEAL_WINDOW_DAYS + 1))
    except signing.BadSignature:
        return None
    if data.get("a") != str(action_public_id):
        return None
    return User.objects.filter(pk=data.get("u")).first()


def file_appeal(user: Any, action_public_id: str, statement: str) -> Appeal:
    statement = (statement or "").strip()
    if not 10 <= len(statement) <= 4000:
        raise ValidationFailed(details={"statement": ["Explain in 10 to 4,000 characters."]})
    action = _action_for(user, action_public_id)
    if action.kind == ActionKind.DISMISS or action.appeal_until is None:
        raise AppealNotAllowed("A dismissal has nothing to appeal.")
    if timezone.now() > action.appeal_until:
        raise AppealNotAllowed("The appeal window has closed.",
                               details={"appeal_until": action.appeal_until.isoformat()})
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(action=action, appellant=user, statement=statement)
            audit.record(actor=user, action="moderation.appeal_filed", obj=appeal,
                         details={"action": str(action.public_id)})
            emit("moderation.appeal_filed", {"action_id": str(action.public_id), "kind": action.kind}, actor=user)
    except IntegrityError:
        raise AppealNotAllowed("This decision has already been appealed.") from None
    return appeal


def _reverse(action: ModerationAction) -> None:
    report = action.report
    if report is not None and report.status != ReportStatus.OVERTURNED:
        REPORT_TRANSITIONS.move(report, ReportStatus.OVERTURNED)
        report.save(update_fields=["status"])
    if hasattr(action, "strike"):
        action.strike.revoked_at = timezone.now()
        action.strike.save(update_fields=["revoked_at"])
    standing = AccountStanding.objects.select_for_update().filter(user_id=action.subject_id).first()
    if action.kind == ActionKind.REMOVE_CONTENT and report is not None:
        if report.target_kind == TargetKind.COMMENT:
            post_moderation.show_comment(int(report.target_id))
        elif report.target_kind == TargetKind.MEDIA:
            item = MediaItem.objects.filter(public_id=report.target_id).first()
            if item is not None:
                media_moderation.restore(item.pk)
        # A removed post stays removed (a post leaves "removed" by no path): the creator posts it again.
    elif standing is not None and action.kind == ActionKind.RESTRICT:
        standing.restricted = False
        standing.save(update_fields=["restricted", "updated_at"])
    elif standing is not None and action.kind == ActionKind.REQUIRE_REVERIFICATION:
        standing.reverification_required = False
        standing.save(update_fields=["reverification_required", "updated_at"])
    elif standing is not None and action.kind == ActionKind.SUSPEND:
        standing.suspended_until = None
        standing.save(update_fields=["suspended_until", "updated_at"])
        if standing.banned_at is None:
            _reactivate(action.subject_id)
    elif standing is not None and action.kind == ActionKind.BAN:
        # The account is re-opened; ended subscriptions and refunds stay as they are, and the payout freeze
        # stays until a staff member lifts it after reviewing the balance (audited).
        standing.banned_at = None
        standing.save(update_fields=["banned_at", "updated_at"])
        if not (standing.suspended_until and standing.suspended_until > timezone.now()):
            _reactivate(action.subject_id)


def _reactivate(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(is_active=True)
    page_stamps.touch_viewers([user_id])
    page_stamps.touch_creators([user_id])


def decide_appeal(staff: Any, appeal_id: int, *, overturn: bool, note: str) -> Appeal:
    require_moderator(staff)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(details={"note": ["A note is required."]})
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",))
                  .select_related("action", "action__report", "appellant").filter(pk=appeal_id).first())
        if appeal is None:
            raise NotFoundError("No such appeal.")
        if appeal.action.actor_id == staff.pk:
            raise PermissionDeniedError("A different staff member decides the appeal.")
        target = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
        APPEAL_TRANSITIONS.move(appeal, target)
        appeal.decided_by, appeal.decided_at, appeal.decision_note = staff, timezone.now(), note[:2000]
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if overturn:
            _reverse(appeal.action)
        audit.record(actor=staff, action=f"moderation.appeal_{target}", obj=appeal, reason=note,
                     details={"action": str(appeal.action.public_id)})
        emit("moderation.appeal_decided", {"action_id": str(appeal.action.public_id), "kind": appeal.action.kind,
                                           "outcome": target}, actor=staff, source="admin")
        notices.send("appeal_decided", appeal.appellant.email, {"appeal": appeal})
    return appeal
