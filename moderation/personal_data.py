"""How moderation's personal data is exported and erased (see governance.registry).

Reports keep their snapshot (evidence) when the reported account is erased: the snapshot text is cleared, the
case counts stay. A reporter's filings are deleted with their account; public-form contact addresses go too.

Personal data of moderation (see governance.registry).

DMCA records are kept: 17 U.S.C. 512 notices and counter-notices are evidence for the safe harbour and for
court actions, and preservation records are kept under 18 U.S.C. 2258A(h). Strikes are the repeat-infringer
record (512(i)). Creators' takedowns are their own filings, deleted with the account.
"""

from governance import registry
from governance.registry import Keep
from moderation.models import (
    AccountStanding,
    Appeal,
    ChildSafetyReport,
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    HashEntry,
    HashList,
    MediaHash,
    ModeratedAccount,
    ModerationAction,
    PreservationRecord,
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


DMCA_RECORD = "DMCA notice records kept as evidence for the 17 U.S.C. 512 safe harbour and any court action."
# Three years: the limitation period for a civil copyright action (17 U.S.C. 507(b)). Informative: nothing deletes
# them on that date, counsel decides.
DMCA_KEEP = Keep(after="received_at", years=3, action="none")

registry.register(DmcaNotice, user_path="submitted_by",
                  fields=("public_id", "status", "signature", "copyrighted_work", "infringing_material",
                          "contact_information", "received_at"),
                  erasure="retain", retention_reason=DMCA_RECORD, keep=DMCA_KEEP)
registry.register(CounterNotice, user_path="filed_by",
                  fields=("public_id", "signature", "removed_material", "name", "address", "phone", "received_at"),
                  erasure="retain", retention_reason=DMCA_RECORD, keep=DMCA_KEEP)
registry.register(CopyrightStrike, user_path="user", fields=("created_at", "expires_at", "reversed_at",
                                                             "appealed_at", "appeal_note"),
                  erasure="retain", retention_reason="Repeat-infringer record (17 U.S.C. 512(i)).",
                  keep=Keep(after="created_at", years=3, action="none"))
registry.register(CreatorTakedown, user_path="creator",
                  fields=("public_id", "infringing_urls", "work_description", "notice_text", "created_at"),
                  erasure="delete")
registry.register(PreservationRecord, user_path="account", fields=("public_id", "created_at", "keep_until"),
                  erasure="retain", retention_reason="Preserved for one year under 18 U.S.C. 2258A(h).",
                  # The date is shown to the Child safety group; destroying preserved evidence stays a decision of
                  # theirs (a law-enforcement request may extend it), so the retention job never deletes it.
                  keep=Keep(until_field="keep_until", action="none"),
                  exporter=lambda user: [])  # never disclosed to the account holder
registry.declare_not_personal(HashList, "Hash list names and sources.")
registry.declare_not_personal(HashEntry, "Perceptual hashes from clearing houses, with their labels.")
registry.declare_not_personal(MediaHash, "Perceptual hashes of media (deleted with the media item).")
registry.declare_not_personal(ChildSafetyReport, "A work item pointing at a preservation record.")
