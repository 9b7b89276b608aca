"""Thin Celery wrappers over fansub's services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.services import age_assurance, creator_verification, posts, renewals


@shared_task(name="fansub.run_billing_cycle")
def run_billing_cycle() -> dict[str, int]:
    return renewals.run_billing_cycle()


@shared_task(name="fansub.publish_due_posts")
def publish_due_posts() -> int:
    return posts.publish_due_posts()


@shared_task(name="fansub.deliver_mass_message", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_mass_message(mass_message_id: int) -> int:
    from fansub.services import mass_messages

    return mass_messages.deliver(mass_message_id)


@shared_task(name="fansub.expire_verifications")
def expire_verifications() -> dict[str, int]:
    counts = age_assurance.expire_due()
    counts["identity_expired"] = creator_verification.expire_due()
    return counts


@shared_task(name="fansub.purge_expired_producer_records")
def purge_expired_producer_records() -> int:
    return creator_verification.purge_expired_records()


@shared_task(name="fansub.run_request_deadlines")
def run_request_deadlines() -> dict[str, int]:
    from fansub.services import custom_requests

    return custom_requests.run_request_deadlines()
