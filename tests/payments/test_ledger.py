import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from payments.errors import LedgerAlreadyReversed, LedgerUnbalanced
from payments.models import AppendOnlyError, LedgerAccount, LedgerEntry, LedgerTransaction
from payments.money import Money
from payments.services import ledger
from payments.services.verify import verify
from tests.factories import make_creator

pytestmark = pytest.mark.django_db


def _sale(creator_id: int, currency: str = "EUR") -> LedgerTransaction:
    return ledger.post("charge", [
        ledger.debit(ledger.clearing(currency), Money(1190, currency)),
        ledger.credit(ledger.tax_payable("DE", currency), Money(190, currency)),
        ledger.credit(ledger.platform_revenue(currency), Money(200, currency)),
        ledger.credit(ledger.creator_pending(creator_id, currency), Money(800, currency)),
    ])


def test_post_balanced_transaction_updates_cached_balances():
    creator = make_creator()
    txn = _sale(creator.pk)
    assert txn.entries.count() == 4
    assert ledger.balance(ledger.clearing("EUR")) == Money(1190, "EUR")
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "EUR")) == Money(800, "EUR")
    assert ledger.normal_balance(ledger.tax_payable("DE", "EUR")) == Money(190, "EUR")
    _sale(creator.pk)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "EUR")) == Money(1600, "EUR")
    assert LedgerAccount.objects.count() == 4  # accounts are keyed, not duplicated
    assert verify().ok


def test_unbalanced_or_single_leg_postings_are_refused():
    creator = make_creator()
    with pytest.raises(LedgerUnbalanced):
        ledger.post("bad", [ledger.debit(ledger.clearing("EUR"), Money(100, "EUR")),
                            ledger.credit(ledger.creator_pending(creator.pk, "EUR"), Money(99, "EUR"))])
    with pytest.raises(LedgerUnbalanced):
        ledger.post("bad", [ledger.debit(ledger.clearing("EUR"), Money(100, "EUR"))])
    with pytest.raises(LedgerUnbalanced):  # balanced in total but not per currency
        ledger.post("bad", [ledger.debit(ledger.clearing("EUR"), Money(100, "EUR")),
                            ledger.credit(ledger.platform_revenue("USD"), Money(100, "USD"))])
    assert LedgerTransaction.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_account_keys_are_checked():
    with pytest.raises(ValueError):
        ledger.AccountKey("creator_pending", "EUR")            # needs an owner
    with pytest.raises(ValueError):
        ledger.AccountKey("platform_revenue", "EUR", owner_id=1)
    with pytest.raises(ValueError):
        ledger.AccountKey("tax_payable", "EUR")                # needs a jurisdiction
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(type="platform_revenue", currency="EUR", jurisdiction="DE")


def test_entries_and_transactions_are_append_only():
    creator = make_creator()
    txn = _sale(creator.pk)
    entry = txn.entries.first()
    entry.amount = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        txn.memo = "edited"
        txn.save()
    with pytest.raises(AppendOnlyError):
        txn.delete()


def test_reversal_mirrors_the_original_once():
    creator = make_creator()
    txn = _sale(creator.pk)
    reversal = ledger.reverse(txn, memo="wrong creator")
    assert reversal.reverses_id == txn.pk
    assert sorted(e.amount for e in reversal.entries.all()) == sorted(-e.amount for e in txn.entries.all())
    assert ledger.balance(ledger.clearing("EUR")) == Money(0, "EUR")
    assert ledger.balance(ledger.creator_pending(creator.pk, "EUR")) == Money(0, "EUR")
    assert LedgerEntry.objects.filter(transaction=txn).count() == 4  # the original is untouched
    with pytest.raises(LedgerAlreadyReversed):
        ledger.reverse(txn)
    assert verify().ok


def test_ledger_verify_passes_and_prints_a_trial_balance(capsys):
    _sale(make_creator().pk)
    call_command("ledger_verify")
    out = capsys.readouterr().out
    assert "fan_clearing" in out and "ledger OK" in out


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only a superuser can switch triggers off like this: the tamperer the check is for.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_ledger_verify_fails_on_a_tampered_entry(capsys):
    txn = _sale(make_creator().pk)
    entry = txn.entries.get(account__type="platform_revenue")
    _tamper("UPDATE payments_ledgerentry SET amount = %s WHERE id = %s", [-150, entry.pk])
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify")
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert f"transaction {txn.pk} does not sum to zero" in err
    assert "cached balance -200 != entries -150" in err
    # Put it back: on PostgreSQL the test teardown's constraint check would (rightly) refuse the forgery.
    _tamper("UPDATE payments_ledgerentry SET amount = %s WHERE id = %s", [-200, entry.pk])
    call_command("ledger_verify")


def test_ledger_verify_fails_on_a_tampered_cached_balance():
    _sale(make_creator().pk)
    LedgerAccount.objects.filter(type="fan_clearing").update(balance=1)
    report = verify()
    assert not report.ok and any("cached balance" in p for p in report.problems)


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_entries():
    txn = _sale(make_creator().pk)
    entry = txn.entries.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_ledgerentry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_ledgertransaction WHERE id = %s", [txn.pk])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_an_unbalanced_transaction_at_commit():
    creator = make_creator()
    _sale(creator.pk)
    clearing = LedgerAccount.objects.get(type="fan_clearing")
    revenue = LedgerAccount.objects.get(type="platform_revenue")
    # The error comes from COMMIT (leaving atomic), not from the INSERT: the trigger is deferred.
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("INSERT INTO payments_ledgertransaction (kind, memo, source_type, source_id, created_at) "
                       "VALUES ('forged', '', '', '', now()) RETURNING id")
        txn_id = cursor.fetchone()[0]
        cursor.execute("INSERT INTO payments_ledgerentry (transaction_id, account_id, amount, currency) "
                       "VALUES (%s, %s, 500, 'EUR'), (%s, %s, -400, 'EUR')",
                       [txn_id, clearing.pk, txn_id, revenue.pk])
        cursor.execute("SELECT COUNT(*) FROM payments_ledgerentry WHERE transaction_id = %s", [txn_id])
        assert cursor.fetchone()[0] == 2  # accepted so far: only the commit is refused
    assert not LedgerTransaction.objects.filter(kind="forged").exists()
    # A balanced raw insert commits fine: the trigger checks balance, not the route.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payments_ledgertransaction (kind, memo, source_type, source_id, created_at) "
                       "VALUES ('raw', '', '', '', now()) RETURNING id")
        txn_id = cursor.fetchone()[0]
        cursor.execute("INSERT INTO payments_ledgerentry (transaction_id, account_id, amount, currency) "
                       "VALUES (%s, %s, 500, 'EUR'), (%s, %s, -500, 'EUR')", [txn_id, clearing.pk, txn_id, revenue.pk])
    assert LedgerTransaction.objects.filter(kind="raw").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_a_transaction_without_entries_and_a_currency_mismatch():
    _sale(make_creator().pk)
    clearing = LedgerAccount.objects.get(type="fan_clearing")
    revenue = LedgerAccount.objects.get(type="platform_revenue")
    with pytest.raises(IntegrityError, match="at least two"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payments_ledgertransaction (kind, memo, source_type, source_id, created_at) "
                       "VALUES ('empty', '', '', '', now())")
    with pytest.raises(IntegrityError, match="currency"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payments_ledgertransaction (kind, memo, source_type, source_id, created_at) "
                       "VALUES ('fx', '', '', '', now()) RETURNING id")
        txn_id = cursor.fetchone()[0]
        cursor.execute("INSERT INTO payments_ledgerentry (transaction_id, account_id, amount, currency) "
                       "VALUES (%s, %s, 500, 'USD'), (%s, %s, -500, 'USD')",
                       [txn_id, clearing.pk, txn_id, revenue.pk])
