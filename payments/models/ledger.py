"""Double-entry ledger: accounts, transactions, append-only entries.

Sign convention: an entry's ``amount`` is signed — debit positive, credit negative — so every
transaction's entries sum to zero per currency, and an account's balance is the plain sum of its
entries. ``LedgerAccount.balance`` caches that sum; it is only ever changed together with the
entries, in the same database transaction, under a row lock (see payments.services.ledger).
"""

from typing import Never

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.errors import AppendOnlyError


class AccountType(models.TextChoices):
    # Assets / expenses: debit-normal.
    FAN_CLEARING = "fan_clearing", "Fan payments clearing (funds at the processor)"
    PROCESSOR_FEES = "processor_fees", "Processor fees"
    DISPUTES = "disputes", "Disputed funds withdrawn by the card network"
    REFUNDS = "refunds", "Refunds and chargebacks borne by the platform (contra revenue)"
    # Liabilities / revenue: credit-normal.
    CREATOR_PENDING = "creator_pending", "Creator payable — pending"
    CREATOR_AVAILABLE = "creator_available", "Creator payable — available"
    ESCROW = "escrow", "Escrow — held funds"
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue (fees)"
    TAX_PAYABLE = "tax_payable", "Tax payable"
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", "Payouts in transit"


DEBIT_NORMAL = frozenset({AccountType.FAN_CLEARING, AccountType.PROCESSOR_FEES, AccountType.DISPUTES,
                          AccountType.REFUNDS})
OWNED_TYPES = frozenset({AccountType.CREATOR_PENDING, AccountType.CREATOR_AVAILABLE, AccountType.ESCROW})


class LedgerAccount(models.Model):
    type = models.CharField(max_length=32, choices=AccountType.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ledger_accounts")
    currency = models.CharField(max_length=3)
    jurisdiction = models.CharField(max_length=8, blank=True, default="")  # tax_payable only, e.g. "DE", "CA-BC"
    balance = models.BigIntegerField(default=0)  # cached sum of entries (debit +, credit -), minor units
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "owner", "currency", "jurisdiction"],
                                    condition=Q(owner__isnull=False), name="ledger_account_owned_unique"),
            models.UniqueConstraint(fields=["type", "currency", "jurisdiction"],
                                    condition=Q(owner__isnull=True), name="ledger_account_platform_unique"),
            models.CheckConstraint(condition=Q(jurisdiction="") | Q(type="tax_payable"),
                                   name="ledger_account_jurisdiction_only_for_tax"),
        ]

    def __str__(self) -> str:
        parts = [self.type, self.currency]
        if self.owner_id:
            parts.append(f"user:{self.owner_id}")
        if self.jurisdiction:
            parts.append(self.jurisdiction)
        return "/".join(parts)

    @property
    def normal_balance(self) -> int:
        """The balance as an accountant reads it: positive on the account's normal side."""
        return self.balance if self.type in DEBIT_NORMAL else -self.balance


class LedgerTransaction(models.Model):
    """One balanced movement of money. Never changed; corrected by a reversing transaction."""

    kind = models.CharField(max_length=40, db_index=True)  # charge, refund, dispute_opened, payout, reversal, ...
    memo = models.CharField(max_length=200, blank=True)
    # Generic link to what caused it (a Payment, Refund, Payout...): payments knows no product models.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"txn {self.pk} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("ledger transactions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> Never:
        raise AppendOnlyError("ledger transactions are append-only")


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> Never:
        raise AppendOnlyError("ledger entries are append-only")

    def delete(self) -> Never:
        raise AppendOnlyError("ledger entries are append-only")


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()  # debit +, credit -, minor units
    currency = models.CharField(max_length=3)  # = account.currency; kept here so sums per currency need no join

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_nonzero")]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d} {self.currency}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> Never:
        raise AppendOnlyError("ledger entries are append-only")
