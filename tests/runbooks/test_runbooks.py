"""The runbooks under docs/runbooks/ are procedures, so they are tested like code: every alarm's code links to a
runbook that exists, every command a runbook tells staff to run exists and parses, and each runbook's procedure
is exercised here (or by the tests it names) by running the very command lines the runbook prints."""

import gzip
import io
import json
import re
import shlex
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.core.management.base import SystemCheckError
from django.utils import timezone

from config.celery import app as celery_app
from telemetry import alarms, metrics
from telemetry.events import emit
from telemetry.models import DeadLetterEvent, OutboxEvent
from tests.telemetry.test_dead_letters import SURFACE_SCHEMA
from warehouse.services import cost, lake_formation, nrt

pytestmark = [pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "runbooks"
COMMAND = re.compile(r"`((?:manage\.py|celery -A config call) [^`]+)`")
TESTED_BY = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
LINK = re.compile(r"\]\(([^)#]+\.md)\)")
TODAY = timezone.now().date().isoformat()
# What the placeholders of the runbooks' command lines stand for in this test environment.
PLACEHOLDERS = {"<type>": "creator.followed", "<model>": "fct_purchases", "YYYY-MM-DD": TODAY}


def runbooks() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(RUNBOOKS.glob("*.md")) if path.name != "README.md"}


def command_lines(text: str) -> list[str]:
    lines = [match.group(1) for match in COMMAND.finditer(text)]
    for placeholder, value in PLACEHOLDERS.items():
        lines = [line.replace(placeholder, value) for line in lines]
    return lines


def runbook_command(name: str, prefix: str) -> list[str]:
    """The argv of the first command line of runbook `name` starting with `prefix` (placeholders filled)."""
    line = next(line for line in command_lines(runbooks()[name]) if line.startswith(prefix))
    return shlex.split(line)[1:]


def run(name: str, prefix: str) -> str:
    out = io.StringIO()
    call_command(*runbook_command(name, prefix), stdout=out)
    return out.getvalue()


def run_task(name: str, prefix: str):
    """Run the task a runbook line calls, as `celery call` would, and return its result. A worker an earlier test
    started in this process leaves Celery believing it runs inside a task, where a plain get() refuses."""
    return celery_task(name, prefix).apply().get(disable_sync_subtasks=False)


def celery_task(name: str, prefix: str):
    celery_app.loader.import_default_modules()  # what a worker does at start: tasks are registered lazily
    argv = runbook_command(name, prefix)  # ["-A", "config", "call", "<task>"]
    return celery_app.tasks[argv[3]]


# --- every alarm has a runbook; every runbook is whole -----------------------------------------------------

def test_every_error_code_with_an_alarm_links_an_existing_runbook():
    """The operational codes (telemetry.metrics.CODES, §1.13 L) each have an alarm whose runbook exists and is
    indexed; every alarm of both templates links an existing runbook."""
    with_alarms = {rule.code for rule in alarms.RULES}
    assert set(metrics.CODES) <= with_alarms
    for code in with_alarms:
        assert code in metrics.CODES, f"an alarm on {code}, which is not an operational code"
        assert (ROOT / alarms.rules_for(code)[0].runbook).exists(), code
        assert f"]({code}.md)" in (RUNBOOKS / "README.md").read_text(), f"{code} missing from the runbook index"
    generated = yaml.safe_load((ROOT / "infra" / "alarms.yaml").read_text())["Resources"]
    for name, body in generated.items():
        if body["Type"] == "AWS::CloudWatch::Alarm":
            description = body["Properties"]["AlarmDescription"]["Fn::Sub"]
            linked = re.search(r"\$\{RunbookBaseUrl\}/([\w.]+\.md)", description)
            assert linked and (RUNBOOKS / linked.group(1)).exists(), name
    hand_written = yaml.load((ROOT / "infra" / "data-platform.yaml").read_text(),
                             Loader=lake_formation.CloudFormationLoader)["Resources"]
    alarms_there = [body["Properties"]["AlarmDescription"] for body in hand_written.values()
                    if body["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms_there
    for description in alarms_there:
        linked = re.search(r"Runbook: docs/runbooks/([\w.]+\.md)", description)
        assert linked and (RUNBOOKS / linked.group(1)).exists(), description


def test_every_link_between_runbooks_resolves():
    for name, text in {**runbooks(), "README.md": (RUNBOOKS / "README.md").read_text()}.items():
        for target in LINK.findall(text):
            assert (RUNBOOKS / target).exists(), f"{name} links {target}"


def test_every_runbook_names_the_tests_that_exercise_it():
    for name, text in runbooks().items():
        named = TESTED_BY.findall(text)
        assert named, f"{name} names no test (add a `Tested by` line)"
        for path, function in named:
            source = (ROOT / path).read_text()
            assert re.search(rf"^def {function}\(", source, re.MULTILINE), f"{name}: {path}::{function}"


def test_every_runbook_command_exists_and_parses():
    commands = get_commands()
    celery_app.loader.import_default_modules()
    seen = 0
    for name, text in runbooks().items():
        for line in command_lines(text):
            argv = shlex.split(line)
            seen += 1
            if argv[0] == "celery":
                assert argv[1:4] == ["-A", "config", "call"] and argv[4] in celery_app.tasks, f"{name}: {line}"
                continue
            assert argv[1] in commands, f"{name}: no command {argv[1]}"
            command = load_command_class(commands[argv[1]], argv[1])
            command.create_parser("manage.py", argv[1]).parse_args(argv[2:])  # SystemExit on a bad option
    assert seen >= 10


# --- the procedures ----------------------------------------------------------------------------------------


@pytest.mark.allow_dead_letters
def test_schema_break_procedure_dry_run_then_replay(schemas):
    """EVENT_SCHEMA_INVALID (and backfill into Bronze): a dry run lists the dead letters and moves nothing; once
    the schema ships, the same command without --dry-run replays them with their original id."""
    assert emit("creator.followed", {"surface": "page"}) is None
    dead = DeadLetterEvent.objects.get()
    dry = run("EVENT_SCHEMA_INVALID.md", "manage.py telemetry_replay_dead_letters")
    assert "would move 0" in dry and "1 still invalid" in dry

    schemas("creator.followed", "1-0-0", SURFACE_SCHEMA)  # the deploy that ships the schema
    dry = run("EVENT_SCHEMA_INVALID.md", "manage.py telemetry_replay_dead_letters")
    assert "would move 1" in dry and DeadLetterEvent.objects.count() == 1 and not OutboxEvent.objects.exists()
    argv = [arg for arg in runbook_command("EVENT_SCHEMA_INVALID.md", "manage.py telemetry_replay_dead_letters")
            if arg != "--dry-run"]
    out = io.StringIO()
    call_command(*argv, stdout=out)
    assert "moved 1" in out.getvalue() and not DeadLetterEvent.objects.exists()
    assert str(OutboxEvent.objects.get().event_id) == dead.envelope["event_id"]
    assert "would move 0" in run("backfill.md", "manage.py telemetry_replay_dead_letters")  # nothing left


def test_put_failed_procedure_check_names_the_setting_and_the_publish_task_drains(settings):
    """EVENT_PUT_FAILED: `manage.py check` names the missing setting; once fixed, the publish task drains the
    waiting rows (and the lag runbook's first check, the same task, runs)."""
    settings.TELEMETRY_SINK, settings.TELEMETRY_S3_BUCKET = "s3", ""
    with pytest.raises(SystemCheckError, match=r"telemetry\.E001"):
        call_command(*runbook_command("EVENT_PUT_FAILED.md", "manage.py check"), stdout=io.StringIO())
    emit("post.viewed", {"post_id": 1, "creator_id": "c" * 32})
    assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 1
    settings.TELEMETRY_SINK = "local"
    call_command(*runbook_command("EVENT_PUT_FAILED.md", "manage.py check"), stdout=io.StringIO())
    run_task("EVENT_PUT_FAILED.md", "celery -A config call telemetry.publish_outbox")
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    assert list(settings.TELEMETRY_LAKE_DIR.rglob("*.jsonl.gz"))


def test_high_spend_procedure_lists_the_days_scans_by_bytes(settings):
    """ATHENA_SCANNED_BYTES_BREACH: the day's scans, most bytes first, with the budget share."""
    settings.WAREHOUSE_SCAN_BUDGET_BYTES = 1_000
    cost.record("executive", "gmv_by_day", engine="duckdb", bytes_scanned=100, files_scanned=1, files_total=9)
    cost.record("operations", "bronze_without_dt", engine="athena", bytes_scanned=750)
    assert metrics.value("ATHENA_SCANNED_BYTES_BREACH") == 1  # 85 %: the 80 % alarm
    out = run("ATHENA_SCANNED_BYTES_BREACH.md", "manage.py warehouse_scans")
    lines = out.splitlines()
    assert "850 bytes scanned, 85.0% of the daily budget" in lines[0]
    assert "operations/bronze_without_dt" in lines[1] and "executive/gmv_by_day, files 1/9" in lines[2]
    with pytest.raises(CommandError):
        call_command("warehouse_scans", "--day", "yesterday")


def raw_event(settings, event_type: str, payload: dict, *, actor_role: str = "system") -> Path:
    """An event written straight into the lake, as a broken producer or a replayed file would."""
    at = timezone.now() - timedelta(minutes=5)
    folder = settings.TELEMETRY_LAKE_DIR / f"event_type={event_type}" / f"dt={at:%Y-%m-%d}" / f"hour={at:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": "1-0-0",
                "occurred_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "actor_id": None, "actor_role": actor_role,
                "environment": "test", "source_component": "test", "payload": payload}
    path = folder / f"part-{uuid.uuid4().hex}.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps(envelope) + "\n").encode()))
    return path


@pytest.mark.slow
def test_model_quality_bi_and_lag_procedures_rebuild_retest_and_refresh(settings):
    """CTAS_FAILURE, QUALITY_CHECK_FAILED, BI_REFRESH_FAILED, PIPELINE_LAG_EXCEEDED, backfill: a bad input fails
    the model; after the input is repaired the runbook's rebuild of the day's partitions succeeds, its quality
    re-run passes (and fails on a bad row), the dashboards refresh, and the NRT task brings the views current."""
    settings.WAREHOUSE_DIR = settings.TELEMETRY_LAKE_DIR.parent / "warehouse"
    settings.WAREHOUSE_DUCKDB_PATH = settings.WAREHOUSE_DIR / "warehouse.duckdb"
    refresh = ("BI_REFRESH_FAILED.md", "manage.py warehouse_refresh_dashboards")
    with pytest.raises(CommandError, match="dashboard refresh failed"):  # nothing built yet
        run(*refresh)
    assert metrics.value("BI_REFRESH_FAILED") >= 1

    emit("post.viewed", {"post_id": 1, "creator_id": "c" * 32})
    run_task("PIPELINE_LAG_EXCEEDED.md", "celery -A config call telemetry.publish_outbox")
    assert ", 0 failed; tests:" in run("backfill.md", "manage.py warehouse_build --start")
    broken = raw_event(settings, "payment.charge_succeeded", {
        "payment_id": "p", "fan_id": "f" * 32, "creator_id": "c" * 32, "purpose": "tip", "amount_minor": "lots",
        "currency": "EUR", "tax_minor": 0, "platform_fee_minor": 0, "provider": "simulator", "tax_country": None,
        "escrow": False})
    rebuild = ("CTAS_FAILURE.md", "manage.py warehouse_build --select")
    with pytest.raises(CommandError, match="fct_purchases"):
        run(*rebuild)
    assert metrics.value("CTAS_FAILURE") >= 1

    broken.unlink()  # the input repaired
    assert ", 0 failed; tests:" in run(*rebuild)
    retested = run("QUALITY_CHECK_FAILED.md", "manage.py warehouse_build --tests-only")
    assert retested.startswith("0 models built") and " 0 failed, " in retested

    bad_role = raw_event(settings, "payment.charge_succeeded", {
        "payment_id": "q", "fan_id": "f" * 32, "creator_id": "c" * 32, "purpose": "tip", "amount_minor": 5,
        "currency": "EUR", "tax_minor": 0, "platform_fee_minor": 1, "provider": "simulator", "tax_country": None,
        "escrow": False}, actor_role="robot")
    counted = metrics.value("QUALITY_CHECK_FAILED")
    with pytest.raises(CommandError, match="accepted_values"):
        call_command("warehouse_build", "--tests-only", "--select", "bronze_events", stdout=io.StringIO())
    assert metrics.value("QUALITY_CHECK_FAILED") > counted
    bad_role.unlink()

    assert "executive: refreshed" in run(*refresh)
    assert run_task("CTAS_FAILURE.md", "celery -A config call warehouse.refresh_nrt")["models_failed"] == 0
    assert nrt.check_age()
