"""Reads: account standing (the contract the DMCA side and the payments hook use), the queue, strikes, and
the transparency counts."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from moderation.models import (
    AccountStanding,
    ActionKind,
    Category,
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    ModerationAction,
    NoticeStatus,
    PreservationRecord,
    Report,
    ReportStatus,
    Strike,
)


def _standing(user: Any) -> AccountStanding | None:
    if not getattr(user, "pk", None):
        return None
    return AccountStanding.objects.filter(user_id=user.pk).first()


def payouts_frozen(user: Any) -> bool:
    standing = _standing(user)
    return bool(standing and standing.payouts_frozen)


def is_banned(user: Any) -> bool:
    standing = _standing(user)
    return bool(standing and standing.banned_at)


def is_suspended(user: Any, now: datetime | None = None) -> bool:
    standing = _standing(user)
    return bool(standing and standing.suspended_until and standing.suspended_until > (now or timezone.now()))


def payouts_blocked_reason(creator: Any) -> str | None:
    """The payments hook: a reason blocks every payout to this creator."""
    return "payouts_frozen" if payouts_frozen(creator) else None


def account_blocked_reason(user: Any) -> str | None:
    if is_banned(user):
        return "banned"
    return "suspended" if is_suspended(user) else None


def hidden_from_discovery() -> QuerySet[AccountStanding]:
    """Restricted or banned accounts' ids, lazily (products use it as a subquery)."""
    return AccountStanding.objects.filter(Q(restricted=True) | Q(banned_at__isnull=False)).values("user_id")


def queue(*, assigned_to: Any = None) -> QuerySet[Report]:
    """Open reports, worst first, then oldest."""
    rows = Report.objects.filter(status=ReportStatus.OPEN).select_related("subject", "assigned_to")
    if assigned_to is not None:
        rows = rows.filter(assigned_to=assigned_to)
    return rows.order_by("-severity", "created_at")


def active_strikes(user: Any, now: datetime | None = None) -> int:
    return Strike.objects.filter(user_id=user.pk, revoked_at__isnull=True, expires_at__gt=now or timezone.now()).count()


def actions_for(user: Any) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(subject_id=user.pk).exclude(kind=ActionKind.DISMISS).select_related("appeal")


def period_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def transparency(year: int, quarter: int) -> dict[str, Any]:
    """Counts only, for one calendar quarter: reports, actions, appeals, DMCA notices and quarantines."""
    start, end = period_bounds(year, quarter)
    reports = dict(Report.objects.filter(created_at__gte=start, created_at__lt=end)
                   .values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    actions = dict(ModerationAction.objects.filter(created_at__gte=start, created_at__lt=end)
                   .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    appeals = ModerationAction.objects.filter(appeal__created_at__gte=start, appeal__created_at__lt=end)
    dmca = dmca_counts(start, end)
    return {
        "period": f"{year}-Q{quarter}", "start": start, "end": end - timedelta(days=1),
        "reports_by_category": [(c.label, reports.get(c.value, 0)) for c in Category],
        "actions_by_kind": [(k.label, actions.get(k.value, 0)) for k in ActionKind],
        "appeals": appeals.count(),
        "appeals_overturned": appeals.filter(appeal__status="overturned").count(),
        "dmca_notices": dmca["notices"],
        "dmca_notices_actioned": dmca["notices_actioned"],
        "dmca_counter_notices": dmca["counter_notices"],
        "dmca_restorations": dmca["restorations"],
        "dmca_suits_reported": dmca["suits_reported"],
        "hash_match_quarantines": quarantine_counts(start, end)["hash_match_quarantines"],
    }


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
