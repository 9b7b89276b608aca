"""Re-derive every balance from the entries; exit non-zero on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from payments.money import Money
from payments.services.verify import verify


class Command(BaseCommand):
    help = "Check every ledger transaction sums to zero, every cached balance matches its entries; trial balance."

    def handle(self, *args: object, **options: object) -> None:
        report = verify()
        self.stdout.write(f"{report.transactions} transactions, {report.accounts} accounts\n")
        self.stdout.write(f"{'account type':<22} {'cur':<4} {'debit':>16} {'credit':>16}")
        for type_, currency, debit, credit in report.trial_balance:
            self.stdout.write(f"{type_:<22} {currency:<4} {Money(debit, currency).format():>16} "
                              f"{Money(credit, currency).format():>16}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"MISMATCH: {problem}")
            raise CommandError(f"ledger verification failed: {len(report.problems)} problem(s)", returncode=1)
        self.stdout.write(self.style.SUCCESS("ledger OK: balanced, cached balances match entries"))
