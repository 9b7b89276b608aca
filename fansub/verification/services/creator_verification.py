"""Creator identity verification and the producer (2257-style) records behind it.

A creator submits legal name, date of birth, every alias, an ID copy and a selfie; the personal data goes
straight into an encrypted ProducerRecord and the images into encrypted private files. The Custodian of
Records reviews it in the admin (the default "manual" provider) and approves or rejects with a reason.
Paid features call ``require_verified_creator``. An approval lapses when the ID document expires.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from common.errors import (
    CreatorNotVerified,
    CreatorUnderage,
    IdDocumentExpired,
    PermissionDeniedError,
    UnknownReference,
    ValidationFailed,
    VerificationAlreadyOpen,
)
from fansub.accounts.models import Role, User
from fansub.accounts.staff_groups import can_review_identity, is_custodian
from fansub.verification.models import VERIFICATION_TRANSITIONS, IdDocumentType, IdentityVerification, ProducerRecord
from fansub.verification.models import VerificationStatus as S
from fansub.verification.services import identity_images
from governance.services import audit
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


@dataclass
class IdentitySubmission:
    legal_name: str
    date_of_birth: date
    id_document_type: str
    id_document_country: str
    id_document_expires_on: date
    id_image: Any  # an uploaded file or bytes
    selfie: Any
    aliases: list[str] = field(default_factory=list)


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _retention_date(start: date) -> date:
    years = settings.RECORDS_RETENTION_YEARS
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _clean(data: IdentitySubmission, today: date) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    legal_name = " ".join((data.legal_name or "").split())
    if not legal_name or len(legal_name) > 200:
        errors["legal_name"] = ["Enter your full legal name as on your ID."]
    aliases = sorted({" ".join(a.split()) for a in data.aliases if a and a.strip()})
    if any(len(a) > 100 for a in aliases) or len(aliases) > 50:
        errors["aliases"] = ["Up to 50 names of at most 100 characters."]
    if data.id_document_type not in IdDocumentType.values:
        errors["id_document_type"] = ["Choose passport, driving licence or national identity card."]
    country = (data.id_document_country or "").upper()
    if len(country) != 2 or not country.isalpha():
        errors["id_document_country"] = ["Use the two-letter code of the issuing country."]
    if not isinstance(data.id_document_expires_on, date) or data.id_document_expires_on <= today:
        errors["id_document_expires_on"] = ["The document must not have expired."]
    if not isinstance(data.date_of_birth, date) or data.date_of_birth >= today:
        errors["date_of_birth"] = ["Enter a valid date of birth."]
    if errors:
        raise ValidationFailed(details=errors)
    if _age_on(data.date_of_birth, today) < 18:
        raise CreatorUnderage(details={"date_of_birth": ["Creators must be 18 or older."]})
    return legal_name, aliases


def submit_identity(user: User, data: IdentitySubmission) -> IdentityVerification:
    """Store a creator's submission encrypted and open a pending verification. Nothing is kept on refusal."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators verify their identity.")
    today = timezone.localdate()
    legal_name, aliases = _clean(data, today)
    id_bytes = identity_images.read_upload(data.id_image, "id_image")
    selfie_bytes = identity_images.read_upload(data.selfie, "selfie")
    identity_images.validate_image(id_bytes, "id_image")
    identity_images.validate_image(selfie_bytes, "selfie")
    if IdentityVerification.objects.filter(user=user, status__in=[S.PENDING, S.APPROVED]).exists():
        raise VerificationAlreadyOpen()
    written: list[str] = []
    try:
        written.append(identity_images.store_encrypted(id_bytes))
        written.append(identity_images.store_encrypted(selfie_bytes))
        with transaction.atomic():
            verification = IdentityVerification.objects.create(
                user=user, provider="manual", status=S.PENDING, valid_until=data.id_document_expires_on)
            ProducerRecord.objects.create(
                verification=verification, user=user, legal_name=legal_name,
                date_of_birth=data.date_of_birth.isoformat(), aliases=aliases,
                id_document_type=data.id_document_type, id_document_country=data.id_document_country.upper(),
                id_document_path=written[0], selfie_path=written[1], retain_until=_retention_date(today),
            )
            emit("creator_verification.submitted", _payload(verification), actor=user)
    except IntegrityError:
        for path in written:
            identity_images.delete(path)
        raise VerificationAlreadyOpen()
    except BaseException:
        for path in written:
            identity_images.delete(path)
        raise
    return verification


def _payload(verification: IdentityVerification) -> dict[str, Any]:
    return {"verification_id": pseudonym("identity_verification", verification.pk),
            "provider": verification.provider}


def _decide(verification_id: int, actor: Any, target: str, reason: str, action: str) -> IdentityVerification:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A reason is required.", details={"reason": ["A reason is required."]})
    with transaction.atomic():
        verification = IdentityVerification.objects.select_for_update().get(pk=verification_id)
        VERIFICATION_TRANSITIONS.move(verification, target)
        now = timezone.now()
        verification.decided_at = now
        verification.decided_by = actor if getattr(actor, "pk", None) else None
        verification.decision_reason = reason
        verification.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        # The record is kept for the retention period counted from its last change.
        ProducerRecord.objects.filter(verification=verification).update(
            retain_until=_retention_date(now.date()))
        audit.record(actor=actor, action=action, obj=verification, reason=reason,
                     details={"status": target, "subject": pseudonym("user", verification.user_id)})
        emit(f"creator_verification.{target}", _payload(verification), actor=actor,
             source="admin" if getattr(actor, "pk", None) else "worker")
    return verification


def _require_reviewer(actor: Any) -> None:
    if not can_review_identity(actor):
        raise PermissionDeniedError("Only the Custodian of Records decides identity verifications.")


def approve(verification_id: int, reviewer: Any, reason: str) -> IdentityVerification:
    _require_reviewer(reviewer)
    verification = IdentityVerification.objects.filter(pk=verification_id).only("user_id", "valid_until").first()
    if verification and verification.valid_until and verification.valid_until <= timezone.localdate():
        raise IdDocumentExpired("The ID document has expired; reject or let the creator resubmit.")
    if verification and verification.user_id == getattr(reviewer, "pk", None):
        raise PermissionDeniedError("Nobody reviews their own verification.")
    return _decide(verification_id, reviewer, S.APPROVED, reason, "identity_verification.approved")


def reject(verification_id: int, reviewer: Any, reason: str) -> IdentityVerification:
    _require_reviewer(reviewer)
    return _decide(verification_id, reviewer, S.REJECTED, reason, "identity_verification.rejected")


def expire(verification_id: int, actor: Any, reason: str) -> IdentityVerification:
    """Staff (or the schedule, actor=None) ends a verification, e.g. a revoked or expired ID document."""
    if actor is not None:
        _require_reviewer(actor)
    return _decide(verification_id, actor, S.EXPIRED, reason, "identity_verification.expired")


def expire_due(*, today: date | None = None) -> int:
    """Approvals lapse the day after the ID document expires; pending ones with an expired ID too."""
    today = today or timezone.localdate()
    due = IdentityVerification.objects.filter(status__in=[S.APPROVED, S.PENDING], valid_until__lt=today)
    count = 0
    for verification_id in list(due.values_list("pk", flat=True)):
        expire(verification_id, None, "ID document expired")
        count += 1
    return count


def record_provider_decision(provider: str, provider_reference: str, *, approved: bool,
                             reason: str) -> IdentityVerification:
    """Entry point for an identity-provider adapter (instead of staff review): apply its verified verdict.

    The adapter authenticates the provider's callback (see webhook_signing) before calling this; the decision
    is audited with no human actor and the provider named in the reason.
    """
    verification = IdentityVerification.objects.filter(provider=provider,
                                                        provider_reference=provider_reference).first()
    if verification is None:
        raise UnknownReference("No identity verification has this reference.")
    target = S.APPROVED if approved else S.REJECTED
    return _decide(verification.pk, None, target, f"{provider}: {reason}", f"identity_verification.{target}")


def is_verified_creator(user: User) -> bool:
    if not getattr(user, "pk", None) or getattr(user, "role", None) != Role.CREATOR or not user.is_active:
        return False
    return IdentityVerification.objects.filter(user=user, status=S.APPROVED).exclude(
        valid_until__lt=timezone.localdate()).exists()


def require_verified_creator(user: Any) -> None:
    """Called by every paid feature before it lets a creator earn."""
    if not is_verified_creator(user):
        raise CreatorNotVerified()


def current_verification(user: User) -> IdentityVerification | None:
    return IdentityVerification.objects.filter(user=user).order_by("-submitted_at", "-pk").first()


# --- reading the records (Custodian of Records only, every view audited) -------------------------------

def view_record(record_id: int, viewer: Any, *, what: str = "record") -> ProducerRecord:
    if not is_custodian(viewer):
        raise PermissionDeniedError("Producer records are visible to the Custodian of Records only.")
    record = ProducerRecord.objects.select_related("verification").get(pk=record_id)
    audit.record(actor=viewer, action="producer_record.viewed", obj=record, details={"what": what})
    return record


def read_record_image(record_id: int, viewer: Any, kind: str) -> tuple[bytes, str]:
    if kind not in ("id_document", "selfie"):
        raise ValidationFailed(details={"kind": ["id_document or selfie"]})
    record = view_record(record_id, viewer, what=kind)
    data = identity_images.read_decrypted(record.id_document_path if kind == "id_document" else record.selfie_path)
    return data, identity_images.sniff_content_type(data)


def purge_expired_records(*, today: date | None = None) -> int:
    """Delete records past their retention date, only once the account is erased or closed.

    While the creator's account is active their content may still be published, so the record stays.
    """
    today = today or timezone.localdate()
    due = ProducerRecord.objects.filter(retain_until__lt=today).filter(
        Q(user__erased_at__isnull=False) | Q(user__is_active=False)).values_list("pk", flat=True)
    purged = 0
    for record_id in list(due):
        with transaction.atomic():
            record = ProducerRecord.objects.select_for_update().get(pk=record_id)
            paths = [record.id_document_path, record.selfie_path]
            audit.record(actor=None, action="producer_record.purged", obj=record,
                         reason=f"Retention period of {settings.RECORDS_RETENTION_YEARS} years ended")
            record.delete()
            transaction.on_commit(lambda paths=paths: [identity_images.delete(p) for p in paths])
        purged += 1
    return purged


def reencrypt_all() -> int:
    """Re-encrypt every producer record and its files under the newest key (run after prepending a key).

    Reading decrypts with any configured key and saving encrypts with the first, so once this has run the
    old key can be removed from FIELD_ENCRYPTION_KEYS. Files are rewritten under new names and the old ones
    deleted only after the record points at the new ones, so a crash never loses a document.
    """
    count = 0
    for record_id in list(ProducerRecord.objects.values_list("pk", flat=True)):
        with transaction.atomic():
            record = ProducerRecord.objects.select_for_update().get(pk=record_id)
            old_paths = [record.id_document_path, record.selfie_path]
            record.id_document_path = identity_images.store_encrypted(
                identity_images.read_decrypted(record.id_document_path))
            record.selfie_path = identity_images.store_encrypted(identity_images.read_decrypted(record.selfie_path))
            record.save(update_fields=["legal_name", "date_of_birth", "aliases", "id_document_path", "selfie_path"])
            transaction.on_commit(lambda paths=old_paths: [identity_images.delete(p) for p in paths])
        count += 1
    return count


def delete_refused_documents(records: QuerySet[ProducerRecord]) -> int:
    """Retention: the identity documents of a *rejected* verification (ID copy, selfie, legal name, birth date)
    are deleted once its period has run. A rejected creator was never verified, so nothing was published or
    sold under the record and no records-keeping duty binds it; approved and expired records stay until
    ``retain_until`` (``purge_expired_records``). The verification row (status, dates, reason) stays."""
    deleted = 0
    for record_id in list(records.filter(verification__status=S.REJECTED).values_list("pk", flat=True)):
        with transaction.atomic():
            record = (ProducerRecord.objects.select_for_update()
                      .filter(pk=record_id, verification__status=S.REJECTED).first())
            if record is None:
                continue
            paths = [record.id_document_path, record.selfie_path]
            audit.record(actor=None, action="producer_record.refused_documents_deleted", obj=record,
                         reason=f"Rejected {settings.IDENTITY_DOCUMENT_RETENTION_DAYS} days ago or more")
            record.delete()
            transaction.on_commit(lambda paths=paths: [identity_images.delete(p) for p in paths if p])
        deleted += 1
    return deleted
