"""Re-fetch provider state for recent non-final payments (and payouts) and repair missed webhooks."""

from django.core.management.base import BaseCommand, CommandParser

from payments.services.reconcile import reconcile


class Command(BaseCommand):
    help = "Reconcile recent payments and payouts with the provider (repairs lost webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=72)
        parser.add_argument("--stale-after", type=int, default=60, help="seconds a non-final payment may sit")

    def handle(self, *args: object, hours: int, stale_after: int, **options: object) -> None:
        report = reconcile(hours=hours, stale_after_seconds=stale_after)
        self.stdout.write(f"checked {report['checked']}, repaired {report['repaired']}, errors {report['errors']}")
