"""PostgreSQL itself keeps the audit log and the ledger append-only (migrations governance 0002 and
payments 0002): the triggers exist after the apps' re-layout and fire on raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from fansub.accounts.models import User
from governance.models import AuditLog
from governance.services import audit
from payments.models import LedgerEntry
from payments.money import Money
from payments.services import ledger
from tests.factories import make_creator, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TRIGGERS = {
    ("governance_auditlog", "governance_auditlog_append_only"),
    ("payments_ledgerentry", "payments_ledgerentry_append_only"),
    ("payments_ledgertransaction", "payments_ledgertransaction_append_only"),
    ("payments_ledgerentry", "payments_ledgerentry_balanced"),
    ("payments_ledgertransaction", "payments_ledgertransaction_has_entries"),
    ("payments_ledgerentry", "payments_ledgerentry_currency"),
}


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_append_only_and_balance_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'")
        installed = set(cursor.fetchall())
    assert installed >= TRIGGERS


def test_postgres_refuses_update_and_delete_of_audit_rows():
    row = audit.record(actor=make_staff(), action="test.action", reason="because")
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE governance_auditlog SET reason = 'rewritten' WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE governance_auditlog SET actor_id = NULL, reason = '' WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM governance_auditlog WHERE id = %s", [row.pk])
    row = AuditLog.objects.get(pk=row.pk)
    assert row.reason == "because" and row.actor_id is not None


def test_deleting_an_account_keeps_the_rows_it_acted_on():
    staff = make_staff()
    row = audit.record(actor=staff, action="test.action", reason="because")
    User.objects.filter(pk=staff.pk).delete()  # on_delete=SET_NULL: the one UPDATE the trigger lets through
    row = AuditLog.objects.get(pk=row.pk)
    assert row.actor_id is None and row.reason == "because" and row.action == "test.action"


def test_the_ledger_triggers_still_fire():
    creator = make_creator()
    txn = ledger.post("sale", [ledger.debit(ledger.clearing("EUR"), Money(500, "EUR")),
                               ledger.credit(ledger.creator_pending(creator.pk, "EUR"), Money(500, "EUR"))])
    entry = LedgerEntry.objects.filter(transaction=txn).first()
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE payments_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM payments_ledgertransaction WHERE id = %s", [txn.pk])
    with pytest.raises(IntegrityError, match="currency"):
        _raw("INSERT INTO payments_ledgerentry (transaction_id, account_id, amount, currency) "
             "SELECT %s, account_id, 0, 'USD' FROM payments_ledgerentry WHERE id = %s", [txn.pk, entry.pk])
