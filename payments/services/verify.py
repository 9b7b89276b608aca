"""Re-derive the ledger from its entries and compare: the auditor's check, run by `ledger_verify`."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum

from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    trial_balance: list[tuple[str, str, int, int]] = field(default_factory=list)  # type, currency, debit, credit
    accounts: int = 0
    transactions: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyReport:
    report = VerifyReport()
    unbalanced = (LedgerEntry.objects.values("transaction_id", "currency").annotate(total=Sum("amount"))
                  .exclude(total=0).order_by("transaction_id"))
    for row in unbalanced:
        report.problems.append(f"transaction {row['transaction_id']} does not sum to zero in {row['currency']}: "
                               f"{row['total']:+d}")
    thin = LedgerTransaction.objects.annotate(n=Count("entries")).filter(n__lt=2).values_list("pk", flat=True)
    for pk in thin:
        report.problems.append(f"transaction {pk} has fewer than two entries")
    report.transactions = LedgerTransaction.objects.count()

    derived = dict(LedgerEntry.objects.values("account_id").annotate(total=Sum("amount"))
                   .values_list("account_id", "total"))
    mismatched_currency = LedgerEntry.objects.exclude(currency=F("account__currency")).values_list("pk", flat=True)
    for pk in mismatched_currency:
        report.problems.append(f"entry {pk} is in another currency than its account")
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for account in LedgerAccount.objects.order_by("type", "currency", "id"):
        report.accounts += 1
        expected = derived.get(account.pk, 0)
        if account.balance != expected:
            report.problems.append(f"account {account} cached balance {account.balance:+d} != entries {expected:+d}")
        side = sums[(account.type, account.currency)]
        if expected >= 0:
            side[0] += expected
        else:
            side[1] += -expected
    totals: dict[str, int] = defaultdict(int)
    for (type_, currency), (debit, credit) in sorted(sums.items()):
        report.trial_balance.append((type_, currency, debit, credit))
        totals[currency] += debit - credit
    for currency, total in totals.items():
        if total != 0:
            report.problems.append(f"trial balance in {currency} is off by {total:+d}")
    return report
