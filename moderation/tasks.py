"""Thin Celery wrappers over moderation services (scheduled in CELERY_BEAT_SCHEDULE).

Celery wrappers: thin, they call one service each.
"""

from celery import shared_task

from moderation.services import counter_notices, enforcement


@shared_task(name="moderation.lift_suspensions_due")
def lift_suspensions_due() -> int:
    return enforcement.lift_suspensions_due()


@shared_task(name="moderation.run_dmca_restorations")
def run_dmca_restorations() -> int:
    """Beat: restore material whose counter-notice reached the 10th business day without a reported suit."""
    return counter_notices.restore_due()
