"""Thin Celery wrappers over moderation services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from moderation.services import enforcement


@shared_task(name="moderation.lift_suspensions_due")
def lift_suspensions_due() -> int:
    return enforcement.lift_suspensions_due()
