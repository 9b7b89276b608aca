"""Thin Celery wrappers over custom-request services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.custom_requests.services import custom_requests


@shared_task(name="custom_requests.run_request_deadlines")
def run_request_deadlines() -> dict[str, int]:
    return custom_requests.run_request_deadlines()
