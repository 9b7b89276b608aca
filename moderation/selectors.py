"""Read queries of moderation.

``payouts_frozen`` / ``is_banned``: minimal version; the T&S engineer's implementation replaces this at merge.
"""

from datetime import datetime
from typing import Any

from governance.models import AuditLog
from moderation.models import (
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    NoticeStatus,
    PayoutFreeze,
    PreservationRecord,
)


def payouts_frozen(user: Any) -> bool:
    return PayoutFreeze.objects.filter(user=user, lifted_at__isnull=True).exists()


def is_banned(user: Any) -> bool:
    return (not user.is_active) and AuditLog.objects.filter(
        action="moderation.account_banned", object_type=user._meta.label_lower, object_id=str(user.pk)).exists()


def notices_about(user: Any) -> list[DmcaNotice]:
    return list(DmcaNotice.objects.filter(uploader=user).exclude(status=NoticeStatus.INCOMPLETE)
                .select_related("counter_notice").prefetch_related("media_items")[:100])


def notice_about(user: Any, public_id: Any) -> DmcaNotice | None:
    return DmcaNotice.objects.filter(uploader=user, public_id=public_id).prefetch_related("media_items").first()


def strikes_of(user: Any) -> list[CopyrightStrike]:
    return list(CopyrightStrike.objects.filter(user=user).select_related("notice").order_by("-created_at")[:100])


def takedowns_of(user: Any) -> list[CreatorTakedown]:
    return list(CreatorTakedown.objects.filter(creator=user)[:100])


def dmca_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Counts for the transparency page, for [start, end): notices received (complete and incomplete),
    notices acted on (material disabled), counter-notices, restorations, and suits reported."""
    notices = DmcaNotice.objects.filter(received_at__gte=start, received_at__lt=end)
    counters = CounterNotice.objects.filter(received_at__gte=start, received_at__lt=end)
    return {
        "notices": notices.count(),
        "notices_incomplete": notices.filter(status=NoticeStatus.INCOMPLETE).count(),
        "notices_actioned": DmcaNotice.objects.filter(disabled_at__gte=start, disabled_at__lt=end).count(),
        "counter_notices": counters.count(),
        "restorations": CounterNotice.objects.filter(restored_at__gte=start, restored_at__lt=end).count(),
        "suits_reported": CounterNotice.objects.filter(suit_reported_at__gte=start, suit_reported_at__lt=end).count(),
    }


def quarantine_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Known-bad hash-match quarantines in [start, end): counts only, nothing about the items."""
    return {"hash_match_quarantines": PreservationRecord.objects.filter(
        created_at__gte=start, created_at__lt=end).count()}
