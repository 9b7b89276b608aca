"""The request's state: due dates, the one transition helper, the person's notices (shared by the DSAR
services, the export and the erasure)."""

import calendar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from common.errors import PermissionDeniedError
from governance.models import DSAR_TRANSITIONS, DataSubjectRequest, DsarStatus
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

HANDLE_PERMISSION = "governance.handle_dsar"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later, clamped to that month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_date(received_at: datetime) -> datetime:
    return add_months(received_at, 1)


def may_handle(staff: Any) -> bool:
    return has_staff_powers(staff) and staff.has_perm(HANDLE_PERMISSION)


def require_handler(staff: Any) -> None:
    if not may_handle(staff):
        raise PermissionDeniedError("Only Privacy staff (second factor passed) handle data-subject requests.")


def request_ref(dsar: DataSubjectRequest) -> str:
    return pseudonym("dsar", dsar.public_id)


def _emit_transition(dsar: DataSubjectRequest, source: str, actor: Any) -> None:
    emit("dsar.transitioned", {"request_id": request_ref(dsar), "kind": dsar.kind, "from_status": source,
                               "to_status": dsar.status, "channel": dsar.channel}, actor=actor)


def move(dsar: DataSubjectRequest, target: str, *, actor: Any, action: str, reason: str = "",
         details: dict[str, Any] | None = None) -> None:
    """One state change: table check, save, audit row and event (the caller holds the transaction)."""
    source = dsar.status
    DSAR_TRANSITIONS.move(dsar, target)
    if target in (DsarStatus.COMPLETED, DsarStatus.REFUSED, DsarStatus.WITHDRAWN, DsarStatus.PARTIALLY_COMPLETED):
        dsar.completed_at = timezone.now()
    dsar.save()
    audit.record(actor=actor, action=action, obj=dsar, reason=reason,
                 details={"from": source, "to": target, "kind": dsar.kind, **(details or {})})
    _emit_transition(dsar, source, actor)


def notify(dsar: DataSubjectRequest, subject: str, body: str) -> None:
    """Email the person after the commit (the address is read now: an erasure may tombstone it next)."""
    address = dsar.subject.email
    if not address or getattr(dsar.subject, "erased_at", None):
        return
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                                            fail_silently=True))
