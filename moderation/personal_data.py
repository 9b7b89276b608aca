"""How moderation's personal data is exported and erased (see governance.registry).

Reports keep their snapshot (evidence) when the reported account is erased: the snapshot text is cleared, the
case counts stay. A reporter's filings are deleted with their account; public-form contact addresses go too."""

from governance import registry
from moderation.models import (
    AccountStanding,
    Appeal,
    ModeratedAccount,
    ModerationAction,
    Report,
    ReportFiling,
    Strike,
)

registry.register(ReportFiling, user_path="reporter", fields=("report_id", "details", "contact_email", "created_at"),
                  erasure="delete")
registry.register(Report, user_path="subject", fields=("category", "target_kind", "status", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"snapshot": {}})
SAFETY_RECORD = ("Trust & Safety decision: kept as the record of the enforcement (statement of reasons, appeal "
                 "rights, repeat-offender checks).")
registry.register(ModerationAction, user_path="subject", fields=("kind", "rule", "reason", "created_at", "ends_at"),
                  erasure="retain", retention_reason=SAFETY_RECORD)
registry.register(Appeal, user_path="appellant", fields=("statement", "status", "decision_note", "created_at"),
                  erasure="delete")
registry.register(Strike, user_path="user", fields=("created_at", "expires_at", "revoked_at"), erasure="delete")
registry.register(AccountStanding, user_path="user", fields=("suspended_until", "banned_at", "restricted",
                                                             "payouts_frozen"), erasure="retain",
                  retention_reason=SAFETY_RECORD)
registry.declare_not_personal(ModeratedAccount, "A proxy of accounts.User (the same rows): exported and erased "
                                               "through accounts.User's registration.")
