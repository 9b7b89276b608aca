"""Thin Celery wrappers over the warehouse build (scheduled in CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from warehouse.services import build, dashboards, nrt


@shared_task(name="warehouse.build_recent")
def build_recent() -> dict[str, int]:
    """Rebuild yesterday's and today's partitions (late events land in yesterday) and every mart."""
    today = timezone.now().date()
    try:
        result = build.build(start=today - timedelta(days=1), end=today)
    except build.WarehouseBusy:
        return {"skipped": 1}
    refreshed = dashboards.refresh_all()  # the dashboards' datasets follow each build
    return {"models": len(result.models_built), "models_failed": len(result.models_failed),
            "tests_failed": len(result.tests_failed),
            "dashboards_failed": sum(outcome == "failed" for outcome in refreshed.values())}


@shared_task(name="warehouse.refresh_nrt")
def refresh_nrt() -> dict[str, int]:
    """Every minute: the near-real-time views from the newest partitions."""
    try:
        result = nrt.refresh()
    except build.WarehouseBusy:
        nrt.check_age()  # a long build holds the warehouse: say so if the views fall behind meanwhile
        return {"skipped": 1}
    return {"models": len(result.models_built), "models_failed": len(result.models_failed)}
