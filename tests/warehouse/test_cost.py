"""What dashboard queries scan: recorded per query, partition pruning visible, the daily budget alarmed."""

import gzip
import json
import uuid
from datetime import timedelta

import boto3
import pytest
from botocore.stub import Stubber
from django.utils import timezone

from telemetry import metrics
from warehouse.models import QueryScan
from warehouse.services import build, cost

pytestmark = pytest.mark.django_db


def land(settings, days_ago: int, count: int = 20) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    folder = settings.TELEMETRY_LAKE_DIR / "event_type=post.viewed" / f"dt={at:%Y-%m-%d}" / "hour=01"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"event_id": str(uuid.uuid4()), "event_type": "post.viewed", "schema_version": "1-0-0",
                         "occurred_at": at.strftime("%Y-%m-%dT01:00:00.000Z"), "actor_id": "a" * 32,
                         "actor_role": "fan", "environment": "test", "source_component": "test",
                         "payload": {"post_id": n, "creator_id": "c" * 32}}) for n in range(count)]
    (folder / f"part-{uuid.uuid4().hex}.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))


@pytest.mark.slow
def test_a_partition_filter_prunes_files_and_scans_fewer_bytes(settings):
    for days_ago in range(4):
        land(settings, days_ago)
    assert build.build(select="bronze_events", command="run").models_built
    day = (timezone.now() - timedelta(days=2)).date()
    pruned = cost.run_duckdb("operations", "views_one_day",
                             "select count(*) from bronze.bronze_events where dt = ?", [day])
    whole = cost.run_duckdb("operations", "views_all_days", "select count(*) from bronze.bronze_events")
    assert pruned.rows == [(20,)] and whole.rows == [(80,)]
    assert (pruned.files_scanned, pruned.files_total) == (1, 4) and whole.files_scanned == 4
    assert 0 < pruned.bytes_scanned < whole.bytes_scanned
    assert QueryScan.objects.filter(dashboard="operations").count() == 2
    assert cost.scanned_on(timezone.now().date()) == pruned.bytes_scanned + whole.bytes_scanned


def test_the_daily_budget_counts_a_breach_once_at_80_and_once_at_100_percent(settings):
    settings.WAREHOUSE_SCAN_BUDGET_BYTES = 1000
    cost.record("executive", "gmv", engine="athena", bytes_scanned=700)
    assert metrics.value("ATHENA_SCANNED_BYTES_BREACH") == 0
    cost.record("executive", "gmv", engine="athena", bytes_scanned=150)  # 850: past 80 %
    assert metrics.value("ATHENA_SCANNED_BYTES_BREACH") == 1
    cost.record("executive", "gmv", engine="athena", bytes_scanned=10)  # still over 80 %, under 100 %: no repeat
    assert metrics.value("ATHENA_SCANNED_BYTES_BREACH") == 1
    cost.record("growth", "conversion", engine="athena", bytes_scanned=200)  # 1060: past the budget
    assert metrics.value("ATHENA_SCANNED_BYTES_BREACH") == 2


def test_athena_scans_are_read_from_the_query_execution():
    client = boto3.client("athena", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("get_query_execution", {"QueryExecution": {
            "QueryExecutionId": "q-1", "Statistics": {"DataScannedInBytes": 123_456}}}, {"QueryExecutionId": "q-1"})
        assert cost.record_athena("trust", "queue_age", "q-1", client=client) == 123_456
    scan = QueryScan.objects.get()
    assert (scan.engine, scan.dashboard, scan.bytes_scanned) == ("athena", "trust", 123_456)
