"""A day's dashboard query scans, most bytes first, against the daily budget (the high-spend runbook)."""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from warehouse import selectors
from warehouse.services import cost


class Command(BaseCommand):
    help = "List a day's recorded query scans by bytes scanned and the day's share of WAREHOUSE_SCAN_BUDGET_BYTES."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--limit", type=int, default=20, help="at most this many queries")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.now().date()
        total = cost.scanned_on(day)
        budget = settings.WAREHOUSE_SCAN_BUDGET_BYTES
        self.stdout.write(f"{day}: {total:,} bytes scanned, {total / budget:.1%} of the daily budget ({budget:,})")
        for scan in selectors.scans_on(day, limit=max(1, options["limit"])):
            files = (f", files {scan['files_scanned']}/{scan['files_total']}"
                     if scan["files_scanned"] is not None else "")
            self.stdout.write(f"  {scan['bytes_scanned']:>15,}  {scan['engine']:<6} {scan['dashboard']}/"
                              f"{scan['query_name']}{files}")
