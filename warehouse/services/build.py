"""Build the lake's models with dbt: Bronze views, incremental Silver facts, Gold marts, and their tests.

dbt runs in a subprocess (its own logging and global state stay out of the web and worker processes). Each
run's `run_results.json` is read back: a model that fails counts `CTAS_FAILURE`, a test that fails counts
`QUALITY_CHECK_FAILED` (severity error; a warning-level test counts it with severity warning).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings

from telemetry import metrics

logger = logging.getLogger("fansub.warehouse")

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt"
COMPONENT = "warehouse"


@dataclass(frozen=True)
class BuildResult:
    command: str
    returncode: int
    seconds: float
    models_built: list[str] = field(default_factory=list)
    models_failed: list[str] = field(default_factory=list)
    tests_passed: int = 0
    tests_failed: list[str] = field(default_factory=list)
    tests_warned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.models_failed and not self.tests_failed


class WarehouseBusy(RuntimeError):
    """Another build holds the warehouse (DuckDB has one writer)."""


def paths() -> dict[str, Path]:
    root = Path(settings.WAREHOUSE_DIR)
    return {"root": root, "duckdb": Path(settings.WAREHOUSE_DUCKDB_PATH), "target": root / "dbt-target",
            "logs": root / "dbt-logs", "lock": root / "build.lock"}


def dbt_environment() -> dict[str, str]:
    where = paths()
    env = dict(os.environ)
    env.update({
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "WAREHOUSE_TARGET": settings.WAREHOUSE_TARGET,
        "WAREHOUSE_LAKE_DIR": str(settings.TELEMETRY_LAKE_DIR),
        "WAREHOUSE_DUCKDB_PATH": str(where["duckdb"]),
        "WAREHOUSE_ENVIRONMENT": settings.DJANGO_ENV,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    })
    return env


def build(*, start: date | None = None, end: date | None = None, select: str | None = None,
          command: str = "build", full_refresh: bool = False) -> BuildResult:
    """Run `dbt <command>` over the window [start, end] (whole history when omitted); count failures."""
    if start and end and start > end:
        raise ValueError("start must not be after end")
    where = paths()
    for folder in (where["root"], where["target"], where["logs"], where["duckdb"].parent):
        folder.mkdir(parents=True, exist_ok=True)
    variables = {}
    if start:
        variables["start_date"] = start.isoformat()
    if end:
        variables["end_date"] = end.isoformat()
    argv = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", command,
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(where["target"]), "--log-path", str(where["logs"]), "--no-use-colors", "--quiet"]
    if variables:
        argv += ["--vars", json.dumps(variables)]
    if select:
        argv += ["--select", select]
    if full_refresh:
        argv.append("--full-refresh")
    with open(where["lock"], "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseBusy("a warehouse build is already running") from exc
        started = time.monotonic()
        # Our interpreter and project; the only inputs are validated dates and a selector.
        completed = subprocess.run(argv, cwd=PROJECT_DIR, env=dbt_environment(),  # noqa: S603
                                   capture_output=True, text=True,
                                   timeout=settings.WAREHOUSE_BUILD_TIMEOUT_SECONDS, check=False)
        seconds = time.monotonic() - started
    result = _read_results(where["target"] / "run_results.json", command, completed.returncode, seconds)
    _count(result, completed)
    return result


def _read_results(path: Path, command: str, returncode: int, seconds: float) -> BuildResult:
    built: list[str] = []
    failed: list[str] = []
    tests_failed: list[str] = []
    tests_warned: list[str] = []
    passed = 0
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    for item in results:
        node = item["unique_id"]
        kind = node.split(".", 1)[0]
        status = item["status"]
        if kind == "model":
            (built if status == "success" else failed if status == "error" else []).append(node)
        elif kind == "test":
            if status == "pass":
                passed += 1
            elif status == "warn":
                tests_warned.append(node)
            elif status in ("fail", "error"):
                tests_failed.append(node)
    return BuildResult(command=command, returncode=returncode, seconds=seconds, models_built=built,
                       models_failed=failed, tests_passed=passed, tests_failed=tests_failed,
                       tests_warned=tests_warned)


def _count(result: BuildResult, completed: subprocess.CompletedProcess) -> None:
    if result.models_failed:
        metrics.increment("CTAS_FAILURE", component=COMPONENT, amount=len(result.models_failed))
    if result.tests_failed:
        metrics.increment("QUALITY_CHECK_FAILED", component=COMPONENT, amount=len(result.tests_failed))
    if result.tests_warned:
        metrics.increment("QUALITY_CHECK_FAILED", component=COMPONENT, severity="warning",
                          amount=len(result.tests_warned))
    if result.returncode != 0 and not (result.models_failed or result.tests_failed):
        # dbt stopped before any node ran (a compile or connection error): the build itself failed.
        metrics.increment("CTAS_FAILURE", component=COMPONENT)
        logger.error("warehouse build failed before running: %s", (completed.stderr or completed.stdout)[-2000:])
    logger.info("warehouse %s: %d models, %d failed; tests %d passed, %d failed, %d warned in %.1fs",
                result.command, len(result.models_built), len(result.models_failed), result.tests_passed,
                len(result.tests_failed), len(result.tests_warned), result.seconds)
