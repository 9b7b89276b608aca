"""Build the lake's models, or rebuild a date range (a backfill: idempotent, partitions are replaced)."""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from warehouse.services import build


class Command(BaseCommand):
    help = "Build Bronze/Silver/Gold with dbt; --start/--end rebuild those dates' partitions (a backfill)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--start", type=date.fromisoformat, help="first date to rebuild (YYYY-MM-DD)")
        parser.add_argument("--end", type=date.fromisoformat, help="last date to rebuild (YYYY-MM-DD)")
        parser.add_argument("--select", help="a dbt selector, e.g. 'silver+'")
        parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
        parser.add_argument("--tests-only", action="store_true",
                            help="re-run the quality tests (dbt test) on what is built, build nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["start"]) != bool(options["end"]):
            raise CommandError("give both --start and --end, or neither")
        if options["tests_only"] and options["full_refresh"]:
            raise CommandError("--tests-only builds nothing: it cannot --full-refresh")
        try:
            result = build.build(start=options["start"], end=options["end"], select=options["select"],
                                 full_refresh=options["full_refresh"],
                                 command="test" if options["tests_only"] else "build")
        except (ValueError, build.WarehouseBusy) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(result.models_built)} models built, {len(result.models_failed)} failed; "
                          f"tests: {result.tests_passed} passed, {len(result.tests_failed)} failed, "
                          f"{len(result.tests_warned)} warned ({result.seconds:.1f}s)")
        if not result.ok:
            raise CommandError("warehouse build failed: " + ", ".join(result.models_failed + result.tests_failed))
