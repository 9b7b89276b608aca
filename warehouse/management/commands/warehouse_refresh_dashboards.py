"""Refresh the staff dashboards' snapshots from the built marts (what every scheduled build does afterwards)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from warehouse.services import dashboards


class Command(BaseCommand):
    help = "Refresh every staff dashboard's snapshot; fails (and counts BI_REFRESH_FAILED) if any refresh fails."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = dashboards.refresh_all()
        for key, state in outcome.items():
            self.stdout.write(f"{key}: {state}")
        failed = sorted(key for key, state in outcome.items() if state == "failed")
        if failed:
            raise CommandError("dashboard refresh failed (the last snapshot stays): " + ", ".join(failed))
