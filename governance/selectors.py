"""Reads for the privacy desk, the erasure and the retention job: which records a legal hold covers."""

from typing import Any

from django.db import models
from django.db.models import Q

from governance.models import DataSubjectRequest, DsarStatus, HoldStatus, LegalHold
from governance.registry import PersonalDataEntry


def active_holds() -> list[LegalHold]:
    return list(LegalHold.objects.filter(status=HoldStatus.ACTIVE))


def _applies(hold: LegalHold, entry: PersonalDataEntry) -> bool:
    return not hold.model_labels or entry.label in hold.model_labels


def held_rows_of(entry: PersonalDataEntry, user: Any, holds: list[LegalHold]) -> dict[str, LegalHold]:
    """The person's rows of this entry that a hold covers, by primary key (as text)."""
    if not entry.user_path:
        return {}
    held: dict[str, LegalHold] = {}
    for hold in holds:
        if not _applies(hold, entry) or (hold.subject_id and hold.subject_id != user.pk):
            continue
        if not hold.subject_id and not hold.object_ids:
            continue
        rows = entry.rows_for(user)
        if hold.object_ids:
            rows = rows.filter(pk__in=hold.object_ids)
        for pk in rows.values_list("pk", flat=True):
            held.setdefault(str(pk), hold)
    return held


def without_held(entry: PersonalDataEntry, queryset: models.QuerySet, holds: list[LegalHold]
                 ) -> tuple[models.QuerySet, int]:
    """The queryset minus every row a hold covers, and how many were left out."""
    exclude = Q(pk__in=[])
    for hold in holds:
        if not _applies(hold, entry):
            continue
        if hold.subject_id and entry.user_path:
            condition = Q(**{entry.user_path: hold.subject_id})
            exclude |= condition & Q(pk__in=hold.object_ids) if hold.object_ids else condition
        elif hold.object_ids:
            exclude |= Q(pk__in=hold.object_ids)
    left_out = queryset.filter(exclude).count()
    return queryset.exclude(exclude), left_out


def holds_naming(user: Any) -> list[LegalHold]:
    return list(LegalHold.objects.filter(subject=user))


def open_requests() -> models.QuerySet:
    return DataSubjectRequest.objects.filter(status__in=[DsarStatus.RECEIVED, DsarStatus.IN_PROGRESS])
