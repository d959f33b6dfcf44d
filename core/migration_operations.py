"""Migration operations for what only PostgreSQL has. The demo runs on SQLite, which skips them and
works without (a slower search, the same results)."""

from django.db.migrations import RunSQL


class PostgreSQLOnly(RunSQL):
    """Raw SQL run on PostgreSQL only: a trigram GIN index, an index with an operator class."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
