from fansub.verification.models.performers import (
    E_RELEASE_TRANSITIONS,
    RELEASE_TRANSITIONS,
    ElectronicRelease,
    ElectronicReleaseStatus,
    GuestRelease,
    PostPerformer,
    ReleaseStatus,
)
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
    "E_RELEASE_TRANSITIONS",
    "RELEASE_TRANSITIONS",
    "VERIFICATION_TRANSITIONS",
    "AgeCheck",
    "AgeWebhookReceipt",
    "ElectronicRelease",
    "ElectronicReleaseStatus",
    "GuestRelease",
    "IdDocumentType",
    "IdentityVerification",
    "PostPerformer",
    "ProducerRecord",
    "ReleaseStatus",
    "VerificationStatus",
]
