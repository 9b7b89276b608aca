"""Legal holds: placed and released by Privacy/Legal staff with a reason; releasing runs deferred erasures."""

from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from common.errors import DsarReasonRequired, PermissionDeniedError, ValidationFailed
from governance import registry, tasks
from governance.models import HOLD_TRANSITIONS, DataSubjectRequest, DsarStatus, HoldStatus, LegalHold
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

HOLD_PERMISSION = "governance.manage_legalhold"


def may_manage(staff: Any) -> bool:
    return has_staff_powers(staff) and staff.has_perm(HOLD_PERMISSION)


def _require(staff: Any) -> None:
    if not may_manage(staff):
        raise PermissionDeniedError("Only Privacy or Legal staff (second factor passed) manage legal holds.")


def _clean_scope(subject: Any, model_labels: list[str], object_ids: list[Any]) -> tuple[list[str], list[str]]:
    labels = [str(label).strip() for label in model_labels or [] if str(label).strip()]
    known = {e.label for e in registry.entries()}
    unknown = [label for label in labels if label not in known and not _is_model(label)]
    if unknown:
        raise ValidationFailed(details={"model_labels": [f"Unknown model: {', '.join(unknown)}."]})
    ids = [str(i).strip() for i in object_ids or [] if str(i).strip()]
    if ids and len(labels) != 1:
        raise ValidationFailed(details={"object_ids": ["Object ids need exactly one model."]})
    if subject is None and not ids:
        raise ValidationFailed(details={"subject": ["Hold a person, or a set of objects of one model."]})
    return labels, ids


def _is_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def place(staff: Any, *, name: str, reason: str, subject: Any = None, model_labels: list[str] | None = None,
          object_ids: list[Any] | None = None) -> LegalHold:
    _require(staff)
    reason, name = (reason or "").strip(), (name or "").strip()
    if not reason or not name:
        raise DsarReasonRequired("A legal hold needs a matter name and a reason.",
                                 details={"reason": ["Required."]} if not reason else {"name": ["Required."]})
    labels, ids = _clean_scope(subject, model_labels or [], object_ids or [])
    with transaction.atomic():
        hold = LegalHold.objects.create(name=name, reason=reason, subject=subject, model_labels=labels,
                                        object_ids=ids, placed_by=staff)
        audit.record(actor=staff, action="legal_hold.placed", obj=hold, reason=reason,
                     details={"models": labels, "objects": len(ids), "person": subject is not None})
        emit("legal_hold.placed", {"hold_id": pseudonym("legal_hold", hold.public_id),
                                   "scope": "person" if subject is not None else "objects",
                                   "models": len(labels), "objects": len(ids)}, actor=staff)
    return hold


def release(staff: Any, hold: LegalHold, *, reason: str) -> LegalHold:
    """Release the hold and run what it deferred (partially completed erasures)."""
    _require(staff)
    reason = (reason or "").strip()
    if not reason:
        raise DsarReasonRequired("Releasing a hold needs a reason.", details={"reason": ["Required."]})
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        HOLD_TRANSITIONS.move(hold, HoldStatus.RELEASED)
        hold.released_by, hold.released_at, hold.release_reason = staff, timezone.now(), reason
        hold.save()
        audit.record(actor=staff, action="legal_hold.released", obj=hold, reason=reason)
        emit("legal_hold.released", {"hold_id": pseudonym("legal_hold", hold.public_id),
                                     "scope": "person" if hold.subject_id else "objects"}, actor=staff)
        deferred = list(DataSubjectRequest.objects.filter(status=DsarStatus.PARTIALLY_COMPLETED)
                        .values_list("pk", flat=True))
        for pk in deferred:
            transaction.on_commit(lambda pk=pk: tasks.erase_subject.delay(pk))
    return hold
