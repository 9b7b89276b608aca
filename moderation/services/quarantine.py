"""What a known-bad hash match does. It fails closed and tells nobody but the Child Safety group:

the item is quarantined by media processing (never served: not finals, not previews, not to its uploader,
who sees a generic processing failure); the item and its metadata are preserved for HASH_PRESERVATION_DAYS
(18 U.S.C. 2258A(h) as amended: one year) and held from deletion; the account's payouts are frozen; a report
task is queued for the Child Safety staff group.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import PermissionDeniedError
from fansub.accounts import staff_groups
from fansub.media.models import MediaItem
from governance.services import audit
from moderation.models import CHILD_SAFETY_REPORT_TRANSITIONS, ChildSafetyReport, HashEntry, PreservationRecord
from moderation.services.enforcement import freeze_payouts
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

CHILD_SAFETY_GROUP = "Child safety"  # the group of migration 0002


def _metadata(item: MediaItem, hashes: list[str]) -> dict[str, Any]:
    return {
        "media_public_id": str(item.public_id), "creator_id": item.creator_id, "kind": item.kind,
        "source_format": item.source_format, "original_name": item.original_name, "size_bytes": item.size_bytes,
        "sha256": item.sha256, "phash": item.phash, "pdq": hashes, "width": item.width, "height": item.height,
        "duration_ms": item.duration_ms, "uploaded_at": item.created_at.isoformat() if item.created_at else None,
        "renditions": sorted(r.storage_key for r in item.renditions.all()),
    }


def quarantine_for_match(item: MediaItem, entry: HashEntry, distance: int, hashes: list[str]) -> PreservationRecord:
    """Called by the screener inside processing's transaction (media moves the item to quarantined)."""
    now = timezone.now()
    record = PreservationRecord.objects.create(
        media_item=item, media_public_id=item.public_id, account_id=item.creator_id,
        metadata=_metadata(item, hashes), matched_entry=entry, matched_list=entry.hash_list.name[:100],
        distance=distance, keep_until=now + timedelta(days=settings.HASH_PRESERVATION_DAYS))
    ChildSafetyReport.objects.create(preservation=record)
    freeze_payouts(item.creator, reason="hash_match", source="hash_matching")
    audit.record(actor=None, action="moderation.hash_match_preserved", obj=record,
                 details={"list": record.matched_list, "distance": distance,
                          "keep_until": record.keep_until.isoformat()})
    emit("moderation.hash_matched", {"match_id": pseudonym("preservation", record.pk),
                                     "media_id": pseudonym("media", item.pk), "kind": item.kind,
                                     "distance": distance, "list_kind": entry.hash_list.kind},
         actor=None, source="worker")
    return record


def is_preserved(item: MediaItem) -> bool:
    """The media holder: a preserved item is kept (rows and files) until its keep-until date."""
    return PreservationRecord.objects.filter(media_item_id=item.pk, keep_until__gt=timezone.now()).exists()


def is_hash_matched(item: MediaItem) -> bool:
    return PreservationRecord.objects.filter(media_item_id=item.pk).exists()


def may_review(viewer: Any, item: MediaItem) -> bool:
    """A quarantined item from a hash match: the Child Safety group only (2FA staff); others as media says."""
    if not is_hash_matched(item):
        return True
    return in_child_safety_group(viewer)


def in_child_safety_group(user: Any) -> bool:
    return staff_groups.in_group(user, CHILD_SAFETY_GROUP)


def move_report(staff: Any, report: ChildSafetyReport, target: str, *, reason: str = "") -> ChildSafetyReport:
    """Child Safety staff work a report: queued -> in review -> reported | dismissed (audited)."""
    if not in_child_safety_group(staff):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = ChildSafetyReport.objects.select_for_update().get(pk=report.pk)
        CHILD_SAFETY_REPORT_TRANSITIONS.move(locked, target)
        locked.assigned_to = staff
        locked.save(update_fields=["status", "assigned_to", "updated_at"])
        audit.record(actor=staff, action=f"moderation.child_safety_report_{target}", obj=locked, reason=reason)
    return locked
