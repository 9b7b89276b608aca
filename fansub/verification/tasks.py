"""Thin Celery wrappers over verification services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.verification.services import age_assurance, creator_verification


@shared_task(name="verification.expire_verifications")
def expire_verifications() -> dict[str, int]:
    counts = age_assurance.expire_due()
    counts["identity_expired"] = creator_verification.expire_due()
    return counts


@shared_task(name="verification.purge_expired_producer_records")
def purge_expired_producer_records() -> int:
    return creator_verification.purge_expired_records()
