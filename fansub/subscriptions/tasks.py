"""Thin Celery wrappers over subscription services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.subscriptions.services import renewals, subscriptions


@shared_task(name="subscriptions.run_billing_cycle")
def run_billing_cycle() -> dict[str, int]:
    return renewals.run_billing_cycle()


@shared_task(name="subscriptions.expire_checkouts")
def expire_checkouts() -> int:
    return subscriptions.expire_checkouts()
