"""Data-subject requests (GDPR Art. 12, 15, 16, 17, 20): intake, identity, due dates, extension, refusal.

Every state change goes through ``DSAR_TRANSITIONS``, in one transaction with its audit row and its event.
Due date: one calendar month after receipt (the same day number, clamped to the month's last day); an
extension of one or two more months needs a reason and a notice to the person, before the first due date.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.errors import (
    DsarConflict,
    DsarExtensionTooLate,
    DsarReasonRequired,
    NotFoundError,
    PermissionDeniedError,
    ReauthenticationRequired,
    ValidationFailed,
)
from governance import tasks
from governance.models import DSAR_TRANSITIONS, DataSubjectRequest, DsarKind, DsarStatus, IdentityMethod
from governance.privacy_notice import complaint
from governance.services import audit, dsar_state
from governance.services.dsar_state import due_date, move, notify, request_ref, require_handler
from telemetry import metrics
from telemetry.events import emit

logger = logging.getLogger("fansub.privacy")

@contextmanager
def counting_conflicts() -> Iterator[None]:
    """DSAR_CONFLICT is a §1.13 L metric: count each refusal, outside the transaction it rolled back."""
    try:
        yield
    except DsarConflict:
        metrics.increment("DSAR_CONFLICT", component="governance", severity="info")
        raise


def _check_kind(kind: str) -> None:
    if kind not in DsarKind.values:
        raise ValidationFailed(details={"kind": [f"One of {', '.join(DsarKind.values)}."]})


def _refuse_duplicate(subject: Any, kind: str) -> None:
    open_one = DataSubjectRequest.objects.filter(
        subject=subject, kind=kind, status__in=[DsarStatus.RECEIVED, DsarStatus.IN_PROGRESS]).first()
    if open_one is not None:
        raise DsarConflict("You already have an open request of this kind.",
                           details={"request_id": str(open_one.public_id), "reason": "duplicate"})


def _create(subject: Any, kind: str, *, channel: str, details: str, actor: Any) -> DataSubjectRequest:
    now = timezone.now()
    dsar = DataSubjectRequest.objects.create(subject=subject, kind=kind, channel=channel, details=details,
                                             received_at=now, due_at=due_date(now),
                                             created_by=actor if channel == "staff" else None)
    audit.record(actor=actor, action="dsar.received", obj=dsar, details={"kind": kind, "channel": channel,
                                                                        "due_at": dsar.due_at.isoformat()})
    emit("dsar.transitioned", {"request_id": request_ref(dsar), "kind": kind, "from_status": "",
                               "to_status": dsar.status, "channel": channel}, actor=actor)
    return dsar


def submit_own(user: Any, kind: str, *, password: str, details: str = "") -> DataSubjectRequest:
    """The person asks from the account page or the API: signed in, and re-entering the password now."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "erased_at", None):
        raise PermissionDeniedError("Sign in to make a privacy request.")
    _check_kind(kind)
    if not password or not user.check_password(password):
        raise ReauthenticationRequired("Enter your current password to confirm it is you.",
                                       details={"field": "password"})
    details = (details or "").strip()
    if kind == DsarKind.RECTIFICATION and not details:
        raise ValidationFailed(details={"details": ["Say what is inaccurate and what it should be."]})
    with counting_conflicts(), transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one open request per kind
        _refuse_duplicate(user, kind)
        dsar = _create(user, kind, channel="self", details=details, actor=user)
        dsar.identity_method = IdentityMethod.SESSION_REAUTH
        dsar.identity_confirmed_at = timezone.now()
        move(dsar, DsarStatus.IN_PROGRESS, actor=user, action="dsar.identity_confirmed",
             details={"method": IdentityMethod.SESSION_REAUTH})
        _schedule(dsar)
    return dsar


def submit_on_behalf(staff: Any, subject: Any, kind: str, *, details: str = "",
                     identity_evidence: str = "") -> DataSubjectRequest:
    """Privacy staff record a request received by email, post or phone; identity confirmed now or later."""
    require_handler(staff)
    _check_kind(kind)
    with counting_conflicts(), transaction.atomic():
        _refuse_duplicate(subject, kind)
        dsar = _create(subject, kind, channel="staff", details=(details or "").strip(), actor=staff)
        if identity_evidence.strip():
            _confirm(staff, dsar, identity_evidence)
    return dsar


def confirm_identity(staff: Any, dsar: DataSubjectRequest, evidence: str) -> DataSubjectRequest:
    require_handler(staff)
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar.pk)
        _confirm(staff, dsar, evidence)
    return dsar


def _confirm(staff: Any, dsar: DataSubjectRequest, evidence: str) -> None:
    evidence = (evidence or "").strip()
    if not evidence:
        raise DsarReasonRequired("Record how the person's identity was verified.",
                                 details={"identity_evidence": ["Required."]})
    dsar.identity_method = IdentityMethod.STAFF_VERIFIED
    dsar.identity_confirmed_at = timezone.now()
    dsar.identity_confirmed_by = staff
    dsar.identity_evidence = evidence
    move(dsar, DsarStatus.IN_PROGRESS, actor=staff, action="dsar.identity_confirmed", reason=evidence,
         details={"method": IdentityMethod.STAFF_VERIFIED})
    _schedule(dsar)


def _schedule(dsar: DataSubjectRequest) -> None:
    """Access/portability: build the export; erasure: erase. Both after the commit, in a Celery task."""
    if dsar.kind in (DsarKind.ACCESS, DsarKind.PORTABILITY):
        transaction.on_commit(lambda: tasks.build_export.delay(dsar.pk))
    elif dsar.kind == DsarKind.ERASURE:
        transaction.on_commit(lambda: tasks.erase_subject.delay(dsar.pk))


def extend(staff: Any, dsar: DataSubjectRequest, *, months: int, reason: str,
           now: datetime | None = None) -> DataSubjectRequest:
    """Art. 12(3): up to two more months, with a reason, notified to the person before the first due date."""
    require_handler(staff)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DsarReasonRequired("An extension needs a reason (complexity or number of requests).",
                                 details={"reason": ["Required."]})
    if months not in (1, 2):
        raise ValidationFailed(details={"months": ["One or two months."]})
    with counting_conflicts(), transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar.pk)
        if not dsar.is_open:
            DSAR_TRANSITIONS.check(dsar.status, DsarStatus.IN_PROGRESS, "Only an open request can be extended.")
        if now >= dsar.due_at:
            raise DsarExtensionTooLate(details={"due_at": dsar.due_at.isoformat()})
        if dsar.extended_due_at:
            raise DsarConflict("This request was already extended; two months is the most.",
                               details={"reason": "already_extended"})
        dsar.extended_due_at = dsar_state.add_months(dsar.due_at, months)
        dsar.extension_reason = reason
        dsar.extension_notified_at = now
        dsar.save(update_fields=["extended_due_at", "extension_reason", "extension_notified_at", "updated_at"])
        audit.record(actor=staff, action="dsar.extended", obj=dsar, reason=reason,
                     details={"months": months, "due_at": dsar.extended_due_at.isoformat()})
        emit("dsar.extended", {"request_id": request_ref(dsar), "kind": dsar.kind, "months": months}, actor=staff)
        notify(dsar, "Your privacy request needs more time",
               f"We need up to {months} more month(s) to answer your {dsar.get_kind_display()} request, "
               f"now due by {dsar.extended_due_at:%d %B %Y}.\n\nWhy: {reason}\n\n{complaint()}")
    return dsar


def refuse(staff: Any, dsar: DataSubjectRequest, *, reason: str) -> DataSubjectRequest:
    """Art. 12(4)/(5): refusal only with the reasons and the right to complain, told to the person."""
    require_handler(staff)
    reason = (reason or "").strip()
    if not reason:
        raise DsarReasonRequired("A refusal needs the reason given to the person.", details={"reason": ["Required."]})
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar.pk)
        dsar.refusal_reason = reason
        move(dsar, DsarStatus.REFUSED, actor=staff, action="dsar.refused", reason=reason)
        notify(dsar, "Your privacy request was refused",
               f"We cannot act on your {dsar.get_kind_display()} request.\n\nWhy: {reason}\n\n{complaint()} "
               f"You may also seek a judicial remedy.")
    return dsar


def withdraw(user: Any, public_id: Any) -> DataSubjectRequest:
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().filter(public_id=public_id, subject=user).first()
        if dsar is None:
            raise NotFoundError("No such request.")
        move(dsar, DsarStatus.WITHDRAWN, actor=user, action="dsar.withdrawn")
    return dsar


def complete_rectification(staff: Any, dsar: DataSubjectRequest, *, note: str) -> DataSubjectRequest:
    """Staff corrected the data (through the owning app's admin or services) and record what they did."""
    require_handler(staff)
    note = (note or "").strip()
    if not note:
        raise DsarReasonRequired("Record what was corrected.", details={"note": ["Required."]})
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar.pk)
        if dsar.kind != DsarKind.RECTIFICATION:
            raise ValidationFailed(details={"kind": ["Only rectification requests are completed this way."]})
        dsar.report = {"rectified": note}
        move(dsar, DsarStatus.COMPLETED, actor=staff, action="dsar.rectified", reason=note)
        notify(dsar, "Your data was corrected", f"We have acted on your rectification request: {note}")
    return dsar


def requests_of(user: Any) -> list[DataSubjectRequest]:
    return list(DataSubjectRequest.objects.filter(subject=user).order_by("-received_at")[:50])


def own_request(user: Any, public_id: Any) -> DataSubjectRequest:
    dsar = DataSubjectRequest.objects.filter(public_id=public_id, subject=user).first()
    if dsar is None:
        raise NotFoundError("No such request.")
    return dsar
