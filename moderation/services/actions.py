"""Moderation actions: every decision on a report goes through REPORT_TRANSITIONS (one table), with a reason,
the rule applied, a statement of reasons to the affected account, an audit row, an event, a strike where the
action enforces, and the outcome told to each reporter. Staff may also act on an account directly (no report).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import NotFoundError, ValidationFailed
from fansub.accounts.services.accounts import update_creator_profile
from fansub.media.models import MediaItem
from fansub.media.services import moderation as media_moderation
from fansub.messaging.services import moderation as message_moderation
from fansub.posts.services import moderation as post_moderation
from fansub.verification.services import creator_verification
from governance.services import audit
from moderation.models import (
    ACTION_TARGET,
    REPORT_TRANSITIONS,
    ActionKind,
    Category,
    ModerationAction,
    Report,
    Strike,
    TargetKind,
)
from moderation.services import appeals, enforcement, notices, reports
from moderation.services.reports import require_case_access, require_moderator
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

STRIKING = {ActionKind.REMOVE_CONTENT, ActionKind.SUSPEND, ActionKind.BAN}
ACCOUNT_ACTIONS = {ActionKind.RESTRICT, ActionKind.REQUIRE_REVERIFICATION, ActionKind.SUSPEND, ActionKind.BAN}


def _validate(kind: str, rule: str, reason: str, suspend_days: int | None) -> tuple[str, int | None]:
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors["kind"] = [f"One of {', '.join(ActionKind.values)}."]
    if rule not in Category.values:
        errors["rule"] = [f"One of {', '.join(Category.values)}."]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["A reason is required (it is sent to the account as the statement of reasons)."]
    if kind == ActionKind.SUSPEND:
        suspend_days = suspend_days or settings.MODERATION_SUSPEND_DAYS
        if not 1 <= suspend_days <= 365:
            errors["suspend_days"] = ["From 1 to 365 days."]
    if errors:
        raise ValidationFailed(details=errors)
    return reason[:2000], suspend_days


def _remove_content(report: Report) -> None:
    target_id = report.target_id
    if report.target_kind == TargetKind.POST:
        post_moderation.unpublish_post(int(target_id), reason=report.category)
    elif report.target_kind == TargetKind.COMMENT:
        post_moderation.hide_comment(int(target_id))
    elif report.target_kind == TargetKind.MESSAGE:
        message_moderation.remove_message(int(target_id))
    elif report.target_kind == TargetKind.MEDIA:
        item = MediaItem.objects.filter(public_id=target_id).first()
        if item is None:
            raise NotFoundError("The media item is gone.")
        media_moderation.take_down(item.pk)
    elif report.target_kind == TargetKind.PROFILE and report.subject is not None \
            and hasattr(report.subject, "creator_profile"):
        update_creator_profile(report.subject, {"bio": ""})
    else:
        raise ValidationFailed(details={"kind": [f"A {report.target_kind} cannot be removed: restrict, suspend or "
                                                 "ban the account, or resolve the request in its admin."]})


def _apply_to_account(kind: str, subject: Any, action: ModerationAction) -> None:
    if kind == ActionKind.RESTRICT:
        standing = enforcement.standing_for_update(subject)
        standing.restricted = True
        standing.save(update_fields=["restricted", "updated_at"])
    elif kind == ActionKind.REQUIRE_REVERIFICATION:
        standing = enforcement.standing_for_update(subject)
        standing.reverification_required = True
        standing.save(update_fields=["reverification_required", "updated_at"])
        current = creator_verification.current_verification(subject)
        if current is not None and current.status == "approved":
            # Ends the verification: money stops until the creator verifies again.
            creator_verification.expire(current.pk, None, f"re-verification required by Trust & Safety ({action.pk})")
    elif kind == ActionKind.SUSPEND:
        enforcement.suspend(subject, until=action.ends_at)


def _record(staff: Any, report: Report | None, subject: Any, kind: str, rule: str, reason: str,
            suspend_days: int | None) -> ModerationAction:
    now = timezone.now()
    action = ModerationAction.objects.create(
        report=report, subject=subject, kind=kind, rule=rule, reason=reason, actor=staff,
        ends_at=now + timedelta(days=suspend_days) if kind == ActionKind.SUSPEND else None,
        appeal_until=(now + timedelta(days=settings.MODERATION_APPEAL_WINDOW_DAYS)
                      if kind != ActionKind.DISMISS else None))
    if kind in STRIKING and subject is not None:
        Strike.objects.create(user=subject, action=action,
                              expires_at=now + timedelta(days=settings.MODERATION_STRIKE_DAYS))
    audit.record(actor=staff, action=f"moderation.{kind}", obj=action, reason=reason,
                 details={"rule": rule, "report": str(report.public_id) if report else None,
                          "subject": pseudonym("user", subject.pk) if subject else None})
    emit("moderation.action_taken", {
        "action_id": str(action.public_id), "report_id": str(report.public_id) if report else None,
        "kind": kind, "rule": rule, "target_kind": report.target_kind if report else "account",
        "subject_id": pseudonym("user", subject.pk) if subject else None, "strike": kind in STRIKING,
        "suspend_days": suspend_days if kind == ActionKind.SUSPEND else None}, actor=staff, source="admin")
    if kind != ActionKind.DISMISS and subject is not None:
        item = f"{report.target_kind} {report.target_id}" if report else ""
        notices.send("statement_of_reasons", subject.email, {"user": subject, "action": action, "item": item,
                                                             "token": appeals.appeal_token(action)})
    return action


def _tell_reporters(report: Report) -> None:
    now = timezone.now()
    for filing in report.filings.filter(outcome_sent_at__isnull=True).select_related("reporter"):
        to = filing.reporter.email if filing.reporter else filing.contact_email
        notices.send("report_outcome", to, {"report": report, "filing": filing})
    report.filings.filter(outcome_sent_at__isnull=True).update(outcome_sent_at=now)


def take_action(staff: Any, report_id: int, *, kind: str, reason: str, rule: str | None = None,
                suspend_days: int | None = None) -> ModerationAction:
    """Decide an open report. ``rule`` defaults to the report's category."""
    require_moderator(staff)
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("subject").filter(pk=report_id).first()
        if report is None:
            raise NotFoundError("No such report.")
        require_case_access(staff, report)
        reason, suspend_days = _validate(kind, rule or report.category, reason, suspend_days)
        REPORT_TRANSITIONS.move(report, ACTION_TARGET[kind])
        subject = report.subject
        if kind in ACCOUNT_ACTIONS and subject is None:
            raise ValidationFailed(details={"kind": ["The account behind this report is gone."]})
        if kind in ACCOUNT_ACTIONS and subject.pk == staff.pk:
            raise ValidationFailed(details={"kind": ["Nobody acts on their own account."]})
        report.resolved_at = timezone.now()
        report.save(update_fields=["status", "resolved_at"])
        action = _record(staff, report, subject, kind, rule or report.category, reason, suspend_days)
        if kind == ActionKind.REMOVE_CONTENT:
            _remove_content(report)
        else:
            _apply_to_account(kind, subject, action)
        _tell_reporters(report)
    if kind == ActionKind.BAN:
        enforcement.ban_account(subject, reason=reason, actor=staff, source="moderation", notify=False)
    return action


def act_on_account(staff: Any, subject: Any, *, kind: str, reason: str, rule: str = Category.OTHER,
                   suspend_days: int | None = None) -> ModerationAction:
    """Restrict, require re-verification, suspend or ban an account found in the admin."""
    if kind not in ACCOUNT_ACTIONS:
        raise ValidationFailed(details={"kind": [f"One of {', '.join(sorted(ACCOUNT_ACTIONS))}."]})
    return act_on_content(staff, TargetKind.PROFILE, str(subject.pk), kind=kind, reason=reason, rule=rule,
                          suspend_days=suspend_days)


def act_on_content(staff: Any, target_kind: str, target_id: str, *, kind: str, reason: str,
                   rule: str = Category.OTHER, suspend_days: int | None = None) -> ModerationAction:
    """Act on a thing found in the admin without a report: a staff-opened case decided at once (one table)."""
    require_moderator(staff)
    _validate(kind, rule, reason, suspend_days)
    report = reports.open_staff_case(staff, target_kind, target_id, rule)
    return take_action(staff, report.pk, kind=kind, reason=reason, rule=rule, suspend_days=suspend_days)
