"""One set of models, two adapters: the `athena` target compiles (dbt-athena-community against moto's Glue, Athena
and S3) and every adapter-specific spelling goes through a dispatched macro, so no DuckDB-only function reaches
the SQL Athena would run."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.services.build import PROJECT_DIR

pytestmark = [pytest.mark.slow]

# DuckDB functions and syntax Athena (Trino) does not have. Each may appear in a duckdb__ macro only.
DUCKDB_ONLY = ("json_extract_string", "approx_quantile", "to_months", "generate_series", "read_json", "glob(",
               "epoch(", "contains(", "timestamptz", "::", "strftime(", "list_value", "struct_pack")
# A model choosing its SQL by adapter would dodge the dispatch this file checks.
MODEL_BRANCHING = re.compile(r"target\.type|adapter\.type\(\)")

COMPILE = """
import sys
from moto import mock_aws
with mock_aws():
    import boto3
    boto3.client("s3").create_bucket(Bucket="fansub-test-athena")
    from dbt.cli.main import dbtRunner
    result = dbtRunner().invoke(sys.argv[1:])
sys.exit(0 if result.success else 1)
"""


def model_files() -> list[Path]:
    return sorted((PROJECT_DIR / "models").rglob("*.sql"))


def test_models_spell_nothing_adapter_specific():
    offenders = {}
    for path in model_files():
        text = path.read_text().lower()
        found = [name for name in DUCKDB_ONLY if name in text]
        if MODEL_BRANCHING.search(text):
            found.append("target.type")
        if found:
            offenders[str(path.relative_to(PROJECT_DIR))] = found
    assert offenders == {}
    assert len(model_files()) >= 20


def test_every_dispatched_macro_has_a_default_for_athena():
    """A duckdb__ implementation without a default__ one would leave Athena with nothing to call."""
    macros = "\n".join(path.read_text() for path in (PROJECT_DIR / "macros").rglob("*.sql"))
    duckdb_only = set(re.findall(r"macro duckdb__(\w+)\(", macros))
    defaults = set(re.findall(r"macro default__(\w+)\(", macros))
    assert duckdb_only and duckdb_only <= defaults


@pytest.fixture(scope="module")
def athena_compiled(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("athena-target")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DBT_"))}
    env.update({"WAREHOUSE_TARGET": "athena", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                "WAREHOUSE_ATHENA_STAGING": "s3://fansub-test-athena/results/",
                "WAREHOUSE_ATHENA_DATA_DIR": "s3://fansub-test-athena/warehouse/",
                "WAREHOUSE_BRONZE_DATABASE": "fansub_production_lake",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"})
    argv = [sys.executable, "-c", COMPILE, "compile", "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR), "--target-path", str(target), "--log-path", str(target / "logs"),
            "--no-use-colors", "--quiet"]
    completed = subprocess.run(argv, cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                               timeout=600, check=False)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    return target


def compiled_sql(target: Path) -> dict[str, str]:
    root = target / "compiled" / "fansub_warehouse" / "models"
    return {str(path.relative_to(root)): path.read_text() for path in root.rglob("*.sql")}


def test_the_athena_target_compiles_every_model_without_duckdb_sql(athena_compiled):
    sql = compiled_sql(athena_compiled)
    models = {path.stem for path in model_files()}
    assert {Path(name).stem for name in sql} >= models
    leaks = {name: [word for word in DUCKDB_ONLY if word in text.lower()] for name, text in sql.items()}
    assert {name: words for name, words in leaks.items() if words} == {}
    assert "json_extract_scalar(payload, '$.payment_id')" in sql["silver/fct_purchases.sql"]
    assert "approx_percentile(" in sql["gold/gold_experiment_guardrails.sql"]
    assert "unnest(sequence(" in sql["gold/gold_subscription_kpis.sql"]


def test_athena_bronze_reads_the_glue_table_of_the_template(athena_compiled):
    bronze = compiled_sql(athena_compiled)["bronze/bronze_events.sql"]
    # infra/data-platform.yaml: database fansub_${Environment}_lake, table bronze_events, all-string columns.
    assert '"fansub_production_lake"."bronze_events"' in bronze
    assert "from_iso8601_timestamp(occurred_at)" in bronze and "cast(dt as date)" in bronze


def test_athena_silver_facts_are_iceberg_merges(athena_compiled):
    manifest = json.loads((athena_compiled / "manifest.json").read_text())
    silver = {node["name"]: node["config"] for node in manifest["nodes"].values()
              if node["resource_type"] == "model" and node["config"].get("schema") == "silver"}
    incremental = {name: config for name, config in silver.items() if config["materialized"] == "incremental"}
    assert len(incremental) >= 8
    assert {config["incremental_strategy"] for config in incremental.values()} == {"merge"}
    assert {config["table_type"] for config in silver.values()} == {"iceberg"}
    assert all(config["unique_key"] == "event_id" for config in incremental.values())
