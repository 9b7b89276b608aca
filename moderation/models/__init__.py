"""Moderation models, one module per area (the package re-exports them for Django and callers)."""

from moderation.models.dmca import (  # noqa: F401
    NOTICE_TRANSITIONS,
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    NoticeStatus,
)
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
from moderation.models.trust import (  # noqa: F401
    ACTION_TARGET,
    APPEAL_TRANSITIONS,
    ENFORCED,
    REPORT_TRANSITIONS,
    RS,
    SEVERITY,
    AccountStanding,
    ActionKind,
    Appeal,
    AppealStatus,
    Category,
    ModeratedAccount,
    ModerationAction,
    Report,
    ReportFiling,
    ReportStatus,
    ScreeningAction,
    ScreeningRule,
    Source,
    Strike,
    TargetKind,
)
