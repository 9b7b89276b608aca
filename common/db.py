"""Migration helpers."""

from django.db import migrations


class PostgresOnlyRunSQL(migrations.RunSQL):
    """RunSQL that runs only on PostgreSQL (SQLite has no deferred constraint triggers)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001, ANN201
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001, ANN201
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
