"""What dashboard queries cost: bytes scanned per query, recorded, summed per day against the budget.

Locally DuckDB's JSON profile gives the bytes and files a query read (so partition pruning is visible: a query
filtered on `dt` reads only its partitions' files); in production Athena's `DataScannedInBytes`. A day's total
at 80 % of `WAREHOUSE_SCAN_BUDGET_BYTES` counts `ATHENA_SCANNED_BYTES_BREACH` (warning), at 100 % again (error).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from telemetry import metrics
from warehouse.models import QueryScan

ALARM_SHARE = 0.8
FILES = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class ScannedResult:
    rows: list[tuple[Any, ...]]
    columns: list[str]
    bytes_scanned: int
    files_scanned: int | None
    files_total: int | None


def _scan_totals(profile: dict[str, Any]) -> tuple[int, int | None, int | None]:
    totals = profile.get("query", {}).get("total_bytes_scanned") or profile.get("io", {}).get("total_bytes_read")
    scanned = int(totals or 0)
    files_read = files_total = None
    stack = list(profile.get("operator", profile.get("children", [])))
    while stack:
        node = stack.pop()
        info = node.get("extra_info", {})
        found = FILES.match(str(info.get("Scanning Files", "")))
        if found:  # a filtered scan: "read/total" after partition pruning
            files_read = (files_read or 0) + int(found.group(1))
            files_total = (files_total or 0) + int(found.group(2))
        elif str(info.get("Total Files Read", "")).isdigit():  # nothing pruned: every file read
            files_read = (files_read or 0) + int(info["Total Files Read"])
            files_total = (files_total or 0) + int(info["Total Files Read"])
        stack.extend(node.get("children", []))
    return scanned, files_read, files_total


def run_duckdb(dashboard: str, query_name: str, sql: str, parameters: list[Any] | None = None) -> ScannedResult:
    """Run one read-only dashboard query on the local warehouse, profiled; record what it scanned."""
    connection = duckdb.connect(str(settings.WAREHOUSE_DUCKDB_PATH), read_only=True)
    with tempfile.TemporaryDirectory() as folder:
        profile_path = Path(folder) / "profile.json"
        try:
            connection.execute("PRAGMA enable_profiling='json'")
            connection.execute(f"PRAGMA profiling_output='{profile_path}'")
            cursor = connection.execute(sql, parameters or [])
            rows = cursor.fetchall()
            columns = [column[0] for column in cursor.description]
        finally:
            connection.close()
        scanned, files_read, files_total = _scan_totals(json.loads(profile_path.read_text()))
    record(dashboard, query_name, engine=QueryScan.Engine.DUCKDB, bytes_scanned=scanned,
           files_scanned=files_read, files_total=files_total)
    return ScannedResult(rows=rows, columns=columns, bytes_scanned=scanned, files_scanned=files_read,
                         files_total=files_total)


def record_athena(dashboard: str, query_name: str, query_execution_id: str, *, client: Any) -> int:
    """Record an Athena query's DataScannedInBytes (from GetQueryExecution)."""
    statistics = client.get_query_execution(QueryExecutionId=query_execution_id)["QueryExecution"]["Statistics"]
    scanned = int(statistics.get("DataScannedInBytes", 0))
    record(dashboard, query_name, engine=QueryScan.Engine.ATHENA, bytes_scanned=scanned)
    return scanned


def record(dashboard: str, query_name: str, *, engine: str, bytes_scanned: int, files_scanned: int | None = None,
           files_total: int | None = None) -> QueryScan:
    before = scanned_on(timezone.now().date())
    scan = QueryScan.objects.create(ran_at=timezone.now(), engine=engine, dashboard=dashboard[:40],
                                    query_name=query_name[:80], bytes_scanned=bytes_scanned,
                                    files_scanned=files_scanned, files_total=files_total)
    _check_budget(before, before + bytes_scanned)
    return scan


def scanned_on(day: date) -> int:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return QueryScan.objects.filter(ran_at__gte=start, ran_at__lt=start + timedelta(days=1)).aggregate(
        total=Sum("bytes_scanned"))["total"] or 0


def _check_budget(before: int, after: int) -> None:
    """Count each threshold once per day: when the day's total crosses it."""
    budget = settings.WAREHOUSE_SCAN_BUDGET_BYTES
    if before < budget * ALARM_SHARE <= after:
        metrics.increment("ATHENA_SCANNED_BYTES_BREACH", component="warehouse", severity="warning")
    if before < budget <= after:
        metrics.increment("ATHENA_SCANNED_BYTES_BREACH", component="warehouse", severity="error")
