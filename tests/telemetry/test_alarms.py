"""Alarm rules as data: one per §1.13 L code at least, §1.13 M thresholds, runbooks, generated CloudFormation."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from telemetry import alarms, metrics

ROOT = Path(__file__).resolve().parents[2]
ALARMS_YAML = ROOT / "infra" / "alarms.yaml"


def _rule(name):
    return next(rule for rule in alarms.RULES if rule.name == name)


def test_every_code_has_an_alarm_and_a_runbook_that_names_it():
    for code in metrics.CODES:
        rules = alarms.rules_for(code)
        assert rules, f"no alarm rule for {code}"
        for rule in rules:
            runbook = ROOT / rule.runbook
            assert runbook.exists(), rule.runbook
            text = runbook.read_text()
            assert text.startswith(f"# {code}") and "## Fix" in text and "## Verify" in text


def test_rule_names_are_unique_and_well_formed():
    names = [rule.name for rule in alarms.RULES]
    assert len(names) == len(set(names))
    for rule in alarms.RULES:
        assert rule.statistic in {"Sum", "Maximum"} and rule.datapoints_to_alarm <= rule.evaluation_periods
        assert rule.severity in metrics.SEVERITIES and rule.slo


def test_thresholds_follow_section_m():
    lag = _rule("IngestionLagP95")  # ingestion p95 <= 60 s; alarm at 120 s for 10 min
    assert lag.threshold == 120 and lag.period_seconds * lag.evaluation_periods == 600
    assert lag.datapoints_to_alarm == lag.evaluation_periods
    assert _rule("NrtViewsStale").threshold == 20 * 60  # NRT views <= 10 min; alarm at 20 min
    athena = _rule("AthenaScannedBytes")  # < 500 GB/day stage, < 2 TB/day prod; alarms at 80 %
    assert athena.period_seconds == 86400
    assert athena.threshold_for("stage") == 400 * 1000 ** 3 and athena.threshold_for("production") == 1600 * 1000 ** 3
    bi = _rule("BiRefreshFailed")  # alarm on 2 consecutive failures
    assert bi.evaluation_periods == bi.datapoints_to_alarm == 2


def test_the_committed_alarm_template_is_generated_from_the_rules(capsys):
    call_command("telemetry_alarms_template")
    assert capsys.readouterr().out == ALARMS_YAML.read_text(), (
        "infra/alarms.yaml is stale: DJANGO_ENV=test python manage.py telemetry_alarms_template > infra/alarms.yaml")


def test_every_alarm_carries_its_runbook_link_and_threshold():
    template = yaml.safe_load(ALARMS_YAML.read_text())
    resources = template["Resources"]
    for rule in alarms.RULES:
        alarm = resources[f"{rule.name}Alarm"]["Properties"]
        assert alarm["MetricName"] == rule.metric and alarm["Period"] == rule.period_seconds
        assert f"/{rule.code}.md" in alarm["AlarmDescription"]["Fn::Sub"]
        if not isinstance(rule.threshold, dict):
            assert alarm["Threshold"] == rule.threshold


def test_the_alarm_template_passes_cfn_lint():
    pytest.importorskip("cfnlint")
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(ALARMS_YAML)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
