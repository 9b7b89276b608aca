"""Filing reports: one open case per thing and category (identical reports join it), a snapshot taken at
the first report, SLA deadline by category, assignment to a staff member."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from moderation.models import SEVERITY, Category, Report, ReportFiling, ReportStatus, Source, TargetKind
from moderation.services import targets
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def sla_due(category: str, now: Any = None) -> Any:
    hours = settings.MODERATION_SLA_HOURS.get(category, settings.MODERATION_SLA_HOURS.get("other", 72))
    return (now or timezone.now()) + timedelta(hours=hours)


def _check(kind: str, category: str, details: str) -> str:
    errors: dict[str, list[str]] = {}
    if kind not in TargetKind.values:
        errors["target_kind"] = [f"One of {', '.join(TargetKind.values)}."]
    if category not in Category.values:
        errors["category"] = [f"One of {', '.join(Category.values)}."]
    details = (details or "").strip()
    if len(details) > 2000:
        errors["details"] = ["At most 2,000 characters."]
    if errors:
        raise ValidationFailed(details=errors)
    return details


def _open_case(target: targets.Target, category: str, source: str) -> tuple[Report, bool]:
    """The open case for this thing and category, created (with its snapshot) on the first report."""
    existing = Report.objects.select_for_update().filter(
        target_kind=target.kind, target_id=target.target_id, category=category, status=ReportStatus.OPEN).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Report.objects.create(
                target_kind=target.kind, target_id=target.target_id, subject=target.owner, category=category,
                severity=SEVERITY[category], source=source, snapshot=target.snapshot(),
                due_at=sla_due(category)), True
    except IntegrityError:  # a concurrent first report: join it
        return Report.objects.select_for_update().get(
            target_kind=target.kind, target_id=target.target_id, category=category, status=ReportStatus.OPEN), False


def file_report(reporter: Any, *, target_kind: str, target_id: str, category: str, details: str = "",
                contact_email: str = "") -> Report:
    """A signed-in user (``reporter``) or, from the public form, an anonymous person with an optional contact
    address reports a thing. Reporting the same open case twice is a no-op for that reporter."""
    details = _check(target_kind, category, details)
    signed_in = getattr(reporter, "pk", None) is not None
    target = targets.resolve(target_kind, target_id)
    if signed_in and target.owner is not None and target.owner.pk == reporter.pk:
        raise ValidationFailed(details={"target_id": ["You cannot report your own content."]})
    with transaction.atomic():
        report, created = _open_case(target, category, Source.USER if signed_in else Source.PUBLIC)
        if signed_in and report.filings.filter(reporter=reporter).exists():
            return report  # a replay: the reporter is already on this case
        ReportFiling.objects.create(report=report, reporter=reporter if signed_in else None,
                                    contact_email="" if signed_in else (contact_email or "").strip()[:254],
                                    details=details)
        Report.objects.filter(pk=report.pk).update(filings_count=report.filings.count())
        report.refresh_from_db()
        emit("moderation.report_filed", {"report_id": str(report.public_id), "target_kind": report.target_kind,
                                         "category": category, "source": report.source if created else
                                         (Source.USER if signed_in else Source.PUBLIC),
                                         "merged": not created}, actor=reporter if signed_in else None)
    return report


def queue_screening_hold(kind: str, target_id: str, author: Any, category: str) -> Report:
    """Text screening held something for review: it goes to the queue as a report with no reporter."""
    target = targets.resolve(kind, target_id)
    with transaction.atomic():
        report, created = _open_case(target, category, Source.SCREENING)
        if created:
            emit("moderation.report_filed", {"report_id": str(report.public_id), "target_kind": kind,
                                             "category": category, "source": Source.SCREENING, "merged": False},
                 actor=None, source="worker")
    return report


def require_moderator(staff: Any) -> None:
    if not (has_staff_powers(staff) and staff.has_perm("moderation.change_report")):
        raise PermissionDeniedError("Only Trust & Safety staff past the second factor act on reports.")


def may_see_case(staff: Any, category: str) -> bool:
    """Suspected-minor cases are for the Child safety group only (least privilege)."""
    return category != Category.SUSPECTED_MINOR or staff.has_perm("moderation.review_child_safety")


def require_case_access(staff: Any, report: Report) -> None:
    if not may_see_case(staff, report.category):
        raise PermissionDeniedError("Suspected-minor reports are handled by the Child safety group.")


def assign(staff: Any, report_id: int, assignee: Any) -> Report:
    require_moderator(staff)
    if assignee is not None and not assignee.is_staff:
        raise ValidationFailed(details={"assigned_to": ["Assign to a staff member."]})
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFoundError()
        require_case_access(staff, report)
        report.assigned_to = assignee
        report.save(update_fields=["assigned_to"])
        audit.record(actor=staff, action="moderation.report_assigned", obj=report,
                     details={"assignee": pseudonym("user", assignee.pk) if assignee else None})
    return report


def record_media_reveal(staff: Any, report: Report, media_public_id: str) -> None:
    """A moderator revealed a reported media item in the safe view (blurred until then): audited."""
    require_moderator(staff)
    require_case_access(staff, report)
    if not staff.has_perm("moderation.reveal_media"):
        raise PermissionDeniedError("Revealing media needs the reveal permission.")
    if media_public_id not in (report.snapshot or {}).get("media", []):
        raise NotFoundError("That media is not part of this report.")
    audit.record(actor=staff, action="moderation.media_revealed", obj=report,
                 details={"media": media_public_id})


def open_staff_case(staff: Any, target_kind: str, target_id: str, category: str) -> Report:
    """Staff act on something found in the admin (an account's profile, a post, a comment, a message): the
    case is a staff-opened report on it (or the open one for that category), decided through the same table."""
    require_moderator(staff)
    _check(target_kind, category, "")
    target = targets.resolve(target_kind, str(target_id))
    with transaction.atomic():
        report, created = _open_case(target, category, Source.STAFF)
        if created:
            emit("moderation.report_filed", {"report_id": str(report.public_id), "target_kind": target_kind,
                                             "category": category, "source": Source.STAFF, "merged": False},
                 actor=staff, source="admin")
    return report
