"""Thin Celery wrappers over subscription services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.subscriptions.services import renewals


@shared_task(name="subscriptions.run_billing_cycle")
def run_billing_cycle() -> dict[str, int]:
    return renewals.run_billing_cycle()
