"""Read the built marts (read-only DuckDB connection; the production dashboards read Athena)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone

from warehouse.models import QueryScan

GOLD_MODELS = ("gold_daily_revenue", "gold_subscription_kpis", "gold_payout_backlog")


def rows(relation: str, *, order_by: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row of one built relation (`schema.model`) as dicts; [] when the warehouse is not built yet.

    ``order_by``: column names, each optionally prefixed with "-" for descending."""
    schema, _, model = relation.partition(".")
    if not (schema.isidentifier() and model.isidentifier()):
        raise ValueError(f"not a relation name: {relation!r}")
    terms = []
    for column in order_by:
        name = column.removeprefix("-")
        if not name.isidentifier():
            raise ValueError(f"not a column name: {column!r}")
        terms.append(f'"{name}"' + (" desc" if column.startswith("-") else ""))
    try:
        connection = duckdb.connect(str(settings.WAREHOUSE_DUCKDB_PATH), read_only=True)
    except duckdb.IOException:
        return []
    try:
        # Identifiers only (checked above), quoted: nothing a caller passes becomes SQL of its own.
        query = f'select * from "{schema}"."{model}"' + (" order by " + ", ".join(terms) if terms else "")  # noqa: S608
        try:
            cursor = connection.execute(query)
        except duckdb.CatalogException:
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


def columns_of_every_model() -> dict[str, list[str]]:
    """`schema.model` -> its column names, for every relation the build made (the PII scan reads this)."""
    connection = duckdb.connect(str(settings.WAREHOUSE_DUCKDB_PATH), read_only=True)
    try:
        found: dict[str, list[str]] = {}
        for schema, table, column in connection.execute(
                "select table_schema, table_name, column_name from information_schema.columns "
                "where table_schema in ('bronze', 'silver', 'gold') order by table_schema, table_name, ordinal_position"
        ).fetchall():
            found.setdefault(f"{schema}.{table}", []).append(column)
        return found
    finally:
        connection.close()


def scans_on(day: date, *, limit: int = 20) -> list[dict[str, Any]]:
    """The day's recorded dashboard queries, most bytes first (the high-spend runbook's first look)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return list(QueryScan.objects.filter(ran_at__gte=start, ran_at__lt=start + timedelta(days=1))
                .order_by("-bytes_scanned", "ran_at")
                .values("ran_at", "engine", "dashboard", "query_name", "bytes_scanned", "files_scanned",
                        "files_total")[:limit])
