"""Personal data of moderation (see governance.registry).

DMCA records are kept: 17 U.S.C. 512 notices and counter-notices are evidence for the safe harbour and for
court actions, and preservation records are kept under 18 U.S.C. 2258A(h). Strikes are the repeat-infringer
record (512(i)). Creators' takedowns are their own filings, deleted with the account.
"""


from governance import registry
from moderation.models import (
    ChildSafetyReport,
    CopyrightStrike,
    CounterNotice,
    CreatorTakedown,
    DmcaNotice,
    HashEntry,
    HashList,
    MediaHash,
    PayoutFreeze,
    PreservationRecord,
)

DMCA_RECORD = "DMCA notice records kept as evidence for the 17 U.S.C. 512 safe harbour and any court action."

registry.register(DmcaNotice, user_path="submitted_by",
                  fields=("public_id", "status", "signature", "copyrighted_work", "infringing_material",
                          "contact_information", "received_at"),
                  erasure="retain", retention_reason=DMCA_RECORD)
registry.register(CounterNotice, user_path="filed_by",
                  fields=("public_id", "signature", "removed_material", "name", "address", "phone", "received_at"),
                  erasure="retain", retention_reason=DMCA_RECORD)
registry.register(CopyrightStrike, user_path="user", fields=("created_at", "expires_at", "reversed_at",
                                                             "appealed_at", "appeal_note"),
                  erasure="retain", retention_reason="Repeat-infringer record (17 U.S.C. 512(i)).")
registry.register(CreatorTakedown, user_path="creator",
                  fields=("public_id", "infringing_urls", "work_description", "notice_text", "created_at"),
                  erasure="delete")
registry.register(PreservationRecord, user_path="account", fields=("public_id", "created_at", "keep_until"),
                  erasure="retain", retention_reason="Preserved for one year under 18 U.S.C. 2258A(h).",
                  exporter=lambda user: [])  # never disclosed to the account holder
registry.register(PayoutFreeze, user_path="user", fields=("reason", "created_at", "lifted_at"),
                  erasure="retain", retention_reason="Payout hold record (money and safety decision).")
registry.declare_not_personal(HashList, "Hash list names and sources.")
registry.declare_not_personal(HashEntry, "Perceptual hashes from clearing houses, with their labels.")
registry.declare_not_personal(MediaHash, "Perceptual hashes of media (deleted with the media item).")
registry.declare_not_personal(ChildSafetyReport, "A work item pointing at a preservation record.")
