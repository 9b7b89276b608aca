from fansub.models.profiles import CreatorProfile, FanProfile
from fansub.models.users import Role, User
from fansub.models.verification import (
    VERIFICATION_TRANSITIONS,
    AgeCheck,
    AgeWebhookReceipt,
    IdDocumentType,
    IdentityVerification,
    ProducerRecord,
    VerificationStatus,
)

__all__ = ["VERIFICATION_TRANSITIONS", "AgeCheck", "AgeWebhookReceipt", "CreatorProfile", "FanProfile",
           "IdDocumentType", "IdentityVerification", "ProducerRecord", "Role", "User", "VerificationStatus"]
