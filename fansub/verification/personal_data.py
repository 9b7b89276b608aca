"""How verification records are exported, erased or retained (see governance.registry)."""

from django.conf import settings

from fansub.verification.models import (
    AgeCheck,
    AgeWebhookReceipt,
    ElectronicRelease,
    GuestRelease,
    IdentityVerification,
    PostPerformer,
    ProducerRecord,
)
from fansub.verification.services import creator_verification, performers
from governance import registry
from governance.registry import Keep

# Fan age results: only provider, reference, method, result, time and jurisdiction are held. They exist to
# gate this account's access, so they are deleted with it; the PII-free age_check.* events in the lake are
# the lasting evidence that access decisions were backed by checks.
registry.register(
    AgeCheck, user_path="user",
    fields=("provider", "provider_reference", "method", "status", "jurisdiction", "started_at", "decided_at",
            "expires_at"),
    erasure="delete",
)

_RECORDS_REASON = ("18 U.S.C. 2257 and 28 CFR Part 75: producers must keep performer identity records for the "
                   "retention period (settings.RECORDS_RETENTION_YEARS, default 7 years) even after the "
                   "account is closed; purged by verification.purge_expired_producer_records afterwards.")

registry.register(
    IdentityVerification, user_path="user",
    fields=("provider", "status", "submitted_at", "decided_at", "valid_until"),
    erasure="retain", retention_reason=_RECORDS_REASON,
    keep=Keep(after="decided_at", years=settings.RECORDS_RETENTION_YEARS, action="none"),
)


def _export_records(user: object) -> list[dict[str, object]]:
    # The data subject gets their own record back; the images are acknowledged, not re-sent.
    return [
        {"legal_name": r.legal_name, "date_of_birth": r.date_of_birth, "aliases": r.aliases,
         "id_document_type": r.id_document_type, "id_document_country": r.id_document_country,
         "id_document_copy": "held encrypted", "selfie": "held encrypted",
         "created_at": r.created_at.isoformat(), "retain_until": r.retain_until.isoformat()}
        for r in ProducerRecord.objects.filter(user=user)
    ]


registry.register(
    ProducerRecord, user_path="user",
    fields=("legal_name", "date_of_birth", "aliases", "id_document_type", "id_document_country", "created_at",
            "retain_until"),
    erasure="retain", retention_reason=_RECORDS_REASON, exporter=_export_records,
    # Purged by verification.purge_expired_producer_records once retain_until has passed.
    keep=Keep(until_field="retain_until", action="none"),
)

# A rejected verification's documents go sooner: no content was ever published under them.
registry.register_retention_rule(
    "verification.ProducerRecord.refused_documents", ProducerRecord,
    Keep(after="verification__decided_at", days=settings.IDENTITY_DOCUMENT_RETENTION_DAYS,
         basis="legitimate interest", action=creator_verification.delete_refused_documents))

registry.declare_not_personal(
    AgeWebhookReceipt,
    "body_sha256 is a hash of a provider callback (reference, method, result); the body itself is never kept "
    "and the receipt has no link to an account.",
)


registry.register(GuestRelease, user_path="submitted_by", fields=("status", "created_at", "retain_until"),
                  erasure="retain",
                  retention_reason="18 U.S.C. 2257 producer records: kept for the records retention period.",
                  keep=Keep(until_field="retain_until", action="none"))
registry.register(PostPerformer, user_path="performer", fields=("post_id", "created_at"), erasure="retain",
                  retention_reason="Links a depicted performer to a post for the producer records.",
                  keep=Keep(after="created_at", years=settings.RECORDS_RETENTION_YEARS, action="none"))
registry.register(ElectronicRelease, user_path="signer",
                  fields=("post_id", "status", "text_version", "text_sha256", "consented_to_electronic_records",
                          "decided_at", "created_at", "retain_until"),
                  erasure="retain",
                  keep=Keep(after="created_at", years=settings.RECORDS_RETENTION_YEARS, action="none"),
                  retention_reason="18 U.S.C. 2257 producer records: a co-performer's e-signed release and its "
                                   "evidence (signature, time, IP) are kept for the records retention period.")

# A rejected guest release's documents go like a rejected verification's.
registry.register_retention_rule(
    "verification.GuestRelease.refused_documents", GuestRelease,
    Keep(after="decided_at", days=settings.IDENTITY_DOCUMENT_RETENTION_DAYS, basis="legitimate interest",
         action=performers.delete_refused_release_documents))
