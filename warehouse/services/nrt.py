"""Near-real-time views: rebuilt from the newest partitions every minute; late views count PIPELINE_LAG_EXCEEDED."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from telemetry import metrics
from warehouse.services import build

NRT_VIEWS = ("nrt.nrt_ingestion_freshness", "nrt.nrt_payout_backlog", "nrt.nrt_webhook_failures")


def _stamp() -> Path:
    return Path(settings.WAREHOUSE_DIR) / "nrt-refreshed-at"


def refresh() -> build.BuildResult:
    """Rebuild the NRT views (with the Bronze views they read; their tests run in the hourly build)."""
    result = build.build(select="+tag:nrt", command="run")
    if not result.models_failed and len(result.models_built) >= len(NRT_VIEWS):
        _stamp().write_text(timezone.now().isoformat())
    check_age()
    return result


def refreshed_at() -> datetime | None:
    """When the NRT views were last completely rebuilt, or None if never."""
    try:
        return datetime.fromisoformat(_stamp().read_text().strip())
    except (OSError, ValueError):
        return None


def check_age(now: datetime | None = None) -> bool:
    """True when the views are within their bound; otherwise count PIPELINE_LAG_EXCEEDED (component nrt)."""
    now = now or timezone.now()
    stamp = refreshed_at()
    late = stamp is None or now - stamp > timedelta(seconds=settings.WAREHOUSE_NRT_MAX_AGE_SECONDS)
    if late:
        metrics.increment("PIPELINE_LAG_EXCEEDED", component="warehouse.nrt", severity="warning")
    return not late
