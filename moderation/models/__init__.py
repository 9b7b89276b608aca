"""Moderation models, one module per area (the package re-exports them for Django and callers)."""

from moderation.models.dmca import (  # noqa: F401
    NOTICE_TRANSITIONS,
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    NoticeStatus,
)
from moderation.models.enforcement_minimal import PayoutFreeze  # noqa: F401
from moderation.models.hashes import (  # noqa: F401
    CHILD_SAFETY_REPORT_TRANSITIONS,
    ChildSafetyReport,
    ChildSafetyReportStatus,
    HashEntry,
    HashList,
    HashListKind,
    MediaHash,
    PreservationRecord,
)
