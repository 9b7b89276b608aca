"""Celery wrappers: thin, they call one service each."""

from celery import shared_task

from moderation.services import counter_notices


@shared_task(name="moderation.run_dmca_restorations")
def run_dmca_restorations() -> int:
    """Beat: restore material whose counter-notice reached the 10th business day without a reported suit."""
    return counter_notices.restore_due()
