"""The ledger's invariants, enforced by PostgreSQL itself (not only by payments.services.ledger):

- every ledger transaction sums to zero per currency and has at least two entries, checked at
  COMMIT by DEFERRABLE INITIALLY DEFERRED constraint triggers (entries are inserted one by one);
- every entry has its account's currency;
- entries and transactions are append-only: UPDATE and DELETE are refused.
"""

from django.db import migrations

from payments.db import PostgresOnlyRunSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION payments_ledger_check_transaction(txn_id bigint) RETURNS void AS $$
DECLARE
    bad record;
    n integer;
BEGIN
    SELECT currency, SUM(amount) AS total INTO bad FROM payments_ledgerentry
        WHERE transaction_id = txn_id GROUP BY currency HAVING SUM(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance in %: %', txn_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT COUNT(*) INTO n FROM payments_ledgerentry WHERE transaction_id = txn_id;
    IF n < 2 AND EXISTS (SELECT 1 FROM payments_ledgertransaction WHERE id = txn_id) THEN
        RAISE EXCEPTION 'ledger transaction % has % entries; at least two are needed', txn_id, n
            USING ERRCODE = 'check_violation';
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payments_ledger_entry_balanced() RETURNS trigger AS $$
BEGIN
    PERFORM payments_ledger_check_transaction(NEW.transaction_id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payments_ledger_transaction_has_entries() RETURNS trigger AS $$
BEGIN
    PERFORM payments_ledger_check_transaction(NEW.id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payments_ledger_entry_currency() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM payments_ledgeraccount WHERE id = NEW.account_id AND currency = NEW.currency) THEN
        RAISE EXCEPTION 'ledger entry currency % differs from its account''s', NEW.currency
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER payments_ledgerentry_balanced
    AFTER INSERT ON payments_ledgerentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER payments_ledgertransaction_has_entries
    AFTER INSERT ON payments_ledgertransaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_transaction_has_entries();
CREATE TRIGGER payments_ledgerentry_currency
    BEFORE INSERT ON payments_ledgerentry FOR EACH ROW EXECUTE FUNCTION payments_ledger_entry_currency();
CREATE TRIGGER payments_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON payments_ledgerentry FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_ledgertransaction_append_only
    BEFORE UPDATE OR DELETE ON payments_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS payments_ledgertransaction_append_only ON payments_ledgertransaction;
DROP TRIGGER IF EXISTS payments_ledgerentry_append_only ON payments_ledgerentry;
DROP TRIGGER IF EXISTS payments_ledgerentry_currency ON payments_ledgerentry;
DROP TRIGGER IF EXISTS payments_ledgertransaction_has_entries ON payments_ledgertransaction;
DROP TRIGGER IF EXISTS payments_ledgerentry_balanced ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_append_only();
DROP FUNCTION IF EXISTS payments_ledger_entry_currency();
DROP FUNCTION IF EXISTS payments_ledger_transaction_has_entries();
DROP FUNCTION IF EXISTS payments_ledger_entry_balanced();
DROP FUNCTION IF EXISTS payments_ledger_check_transaction(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [PostgresOnlyRunSQL(FORWARD, BACKWARD)]
