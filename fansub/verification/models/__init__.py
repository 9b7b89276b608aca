from fansub.verification.models.performers import RELEASE_TRANSITIONS, GuestRelease, PostPerformer, ReleaseStatus
from fansub.verification.models.verifications import (
    VERIFICATION_TRANSITIONS,
    AgeCheck,
    AgeWebhookReceipt,
    IdDocumentType,
    IdentityVerification,
    ProducerRecord,
    VerificationStatus,
)

__all__ = [
    "RELEASE_TRANSITIONS",
    "VERIFICATION_TRANSITIONS",
    "AgeCheck",
    "AgeWebhookReceipt",
    "GuestRelease",
    "IdDocumentType",
    "IdentityVerification",
    "PostPerformer",
    "ProducerRecord",
    "ReleaseStatus",
    "VerificationStatus",
]
