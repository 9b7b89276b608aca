"""The audit log is append-only in PostgreSQL itself, like the ledger (payments 0002): UPDATE and DELETE
of a row are refused by a trigger, whatever the route (ORM, raw SQL, a shell).

One UPDATE is let through: the actor column set to NULL and nothing else, which is what deleting a
user account does to the rows it acted on (``on_delete=SET_NULL``); the row itself stays.
"""

from django.db import migrations

from common.db import PostgresOnlyRunSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION governance_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
            AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER governance_auditlog_append_only
    BEFORE UPDATE OR DELETE ON governance_auditlog
    FOR EACH ROW EXECUTE FUNCTION governance_auditlog_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS governance_auditlog_append_only ON governance_auditlog;
DROP FUNCTION IF EXISTS governance_auditlog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [PostgresOnlyRunSQL(FORWARD, BACKWARD)]
