"""Fast outbox writes: validated envelopes go to the outbox table with one multi-row INSERT.

emit() inside a transaction does not run an INSERT per event: it appends the row to a buffer kept on
the database connection, and the buffer is written with one `executemany`
- before any other SQL statement runs on that connection (an execute wrapper), so a query of the
  outbox later in the same transaction, a savepoint release or the next business write sees the rows
  exactly as if each had been inserted on the spot;
- before the transaction commits (the connection's `commit` is wrapped), so an event exists if and
  only if the change it describes does (the transactional outbox holds);
- when it holds MAX_BUFFERED rows (bounded memory).
A rollback drops the buffer, as it would drop inserted rows. A `ROLLBACK TO SAVEPOINT` drops it too:
every buffered row was emitted after the last statement, hence after that savepoint was created.
Outside a transaction (autocommit) the row is inserted at once.

Rows are written with plain SQL (no model instance, no per-row SQL compilation): the envelope is
serialised once, here.
"""

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from telemetry.models import OutboxEvent

MAX_BUFFERED = 500
_ATTRIBUTE = "_telemetry_outbox_buffer"


def _sqlite_utc_text(moment: datetime) -> str:
    if moment.tzinfo is UTC:
        return moment.isoformat(" ")[:-6]  # str() of the naive UTC datetime, without building it
    if moment.tzinfo is None:
        raise ValueError("the outbox stores aware datetimes only")
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return str(moment.replace(tzinfo=None))


def _dumps(envelope: dict[str, Any]) -> str:
    try:
        return orjson.dumps(envelope).decode()  # compact, UTF-8, ~20x json.dumps
    except TypeError:  # a non-str key or an integer past 64 bits: the standard library copes
        return json.dumps(envelope, separators=(",", ":"))


class OutboxBuffer:
    """The pending outbox rows of one database connection (connections are per thread)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []
        self.flushing = False
        table = connection.ops.quote_name(OutboxEvent._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in (
            "event_id", "event_type", "schema_version", "envelope", "created_at", "published_at", "attempts",
            "last_error"))
        json_placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        self.sql = (f"INSERT INTO {table} ({columns}) "  # noqa: S608 - quoted model names; values are bound
                    f"VALUES (%s, %s, %s, {json_placeholder}, %s, NULL, 0, '')")
        self.native_uuid = connection.features.has_native_uuid_field
        self.adapt_datetime: Callable[[datetime], Any] = connection.ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC":
            self.adapt_datetime = _sqlite_utc_text  # what adapt_datetimefield_value returns, without the detour
        self._install()

    def _install(self) -> None:
        connection = self.connection
        # First in the list, so it runs outermost, and a later `connection.execute_wrapper()` block,
        # which pops the last wrapper on exit, never removes it.
        connection.execute_wrappers.insert(0, self._before_statement)
        commit, rollback, close = connection.commit, connection.rollback, connection.close

        def commit_with_outbox() -> None:
            if self.rows:
                self.flush()
            commit()

        def rollback_dropping_outbox() -> None:
            self.rows.clear()
            rollback()

        def close_dropping_outbox() -> None:
            self.rows.clear()
            close()

        connection.commit = commit_with_outbox
        connection.rollback = rollback_dropping_outbox
        connection.close = close_dropping_outbox

    def _before_statement(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                          context: dict[str, Any]) -> Any:
        if self.rows and not self.flushing:
            if sql.lstrip()[:8].upper() == "ROLLBACK":
                self.rows.clear()  # ROLLBACK TO SAVEPOINT: the buffered rows all came after it
            else:
                self.flush()
        return execute(sql, params, many, context)

    def row(self, event_id: uuid.UUID, envelope: dict[str, Any], created_at: datetime) -> tuple[Any, ...]:
        return (event_id if self.native_uuid else event_id.hex, envelope["event_type"], envelope["schema_version"],
                _dumps(envelope), self.adapt_datetime(created_at))

    def add(self, row: tuple[Any, ...]) -> None:
        if not self.connection.in_atomic_block:
            self.write([row])
            return
        self.rows.append(row)
        if len(self.rows) >= MAX_BUFFERED:
            self.flush()

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if rows:
            self.write(rows)
        return len(rows)

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.flushing = True
        try:
            with self.connection.cursor() as cursor:
                if len(rows) == 1:
                    cursor.execute(self.sql, rows[0])
                else:
                    cursor.executemany(self.sql, rows)
        finally:
            self.flushing = False


def buffer_for(alias: str | None = None) -> OutboxBuffer:
    if alias is None:
        alias = router.db_for_write(OutboxEvent) if router.routers else DEFAULT_DB_ALIAS
    connection = connections[alias]
    buffer = connection.__dict__.get(_ATTRIBUTE)
    if buffer is None:
        buffer = OutboxBuffer(connection)
        connection.__dict__[_ATTRIBUTE] = buffer
    return buffer


def write_envelopes(envelopes: Iterable[tuple[uuid.UUID, dict[str, Any], datetime]]) -> int:
    """Insert already-validated envelopes now (one statement), in the caller's transaction if any."""
    buffer = buffer_for()
    rows = [buffer.row(event_id, envelope, created) for event_id, envelope, created in envelopes]
    if rows:
        buffer.flush()  # keep the order: whatever was buffered first
        buffer.write(rows)
    return len(rows)


def flush(alias: str | None = None) -> int:
    """Write this thread's buffered rows now (tests and benchmarks; commit does it anyway)."""
    return buffer_for(alias).flush()
