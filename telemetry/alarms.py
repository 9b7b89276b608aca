"""Alarm rules as data: one or more per §1.13 L code, thresholds from §1.13 M, each with its runbook.

The CloudWatch alarms in infra/alarms.yaml are generated from these rules
(`manage.py telemetry_alarms_template > infra/alarms.yaml`; a test fails when the file is stale), so the
thresholds live here once. Counter metrics are the ones metrics.push_to_cloudwatch() sends (namespace
TELEMETRY_CLOUDWATCH_NAMESPACE, dimensions Environment/Component/Severity); the Athena rule reads the
workgroup's own AWS/Athena metric.
"""

from dataclasses import dataclass, field
from typing import Any

from telemetry.metrics import CODES

GB = 1000 ** 3
# §1.13 M: Athena scanned bytes < 500 GB/day (stage), < 2 TB/day (prod) to start; alarms at 80 %.
ATHENA_DAILY_BUDGET_BYTES = {"stage": 500 * GB, "production": 2000 * GB}
ATHENA_ALARM_SHARE = 0.8


@dataclass(frozen=True)
class AlarmRule:
    name: str  # unique, CamelCase: the CloudFormation logical id and the alarm's name suffix
    code: str  # the §1.13 L code the alarm is about
    metric: str
    statistic: str  # Sum | Maximum
    period_seconds: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float | dict[str, float]  # one value, or one per environment
    comparison: str
    slo: str  # the §1.13 M sentence it enforces
    namespace: str | None = None  # None: TELEMETRY_CLOUDWATCH_NAMESPACE (the app's counters)
    dimensions: dict[str, str] = field(default_factory=dict)  # fixed dimensions besides Environment
    severity: str = "error"

    @property
    def runbook(self) -> str:
        return f"docs/runbooks/{self.code}.md"

    def threshold_for(self, environment: str) -> float:
        if isinstance(self.threshold, dict):
            return self.threshold[environment]
        return self.threshold


def _count(name: str, code: str, *, slo: str, periods: int = 1, period: int = 300, severity: str = "error",
           component: str | None = None) -> AlarmRule:
    return AlarmRule(name=name, code=code, metric=code, statistic="Sum", period_seconds=period,
                     evaluation_periods=periods, datapoints_to_alarm=periods, threshold=1,
                     comparison="GreaterThanOrEqualToThreshold", slo=slo, severity=severity,
                     dimensions={"Component": component or CODES[code].component, "Severity": severity})


RULES: tuple[AlarmRule, ...] = (
    _count("SchemaInvalid", "EVENT_SCHEMA_INVALID", slo="Schema validation live: no event is refused."),
    _count("EnvelopeInvalid", "EVENT_ENVELOPE_INVALID", slo="Schema validation live: no envelope is refused."),
    _count("TransformSchemaInvalid", "EVENT_SCHEMA_INVALID", component="firehose.transform",
           slo="Schema validation live in the Firehose transform Lambda: no record refused."),
    _count("TransformEnvelopeInvalid", "EVENT_ENVELOPE_INVALID", component="firehose.transform",
           slo="Schema validation live in the Firehose transform Lambda: no envelope refused."),
    _count("PutFailed", "EVENT_PUT_FAILED", periods=2, component="telemetry.publisher",
           slo="Ingestion to Bronze: a sink refusing batches for 10 minutes."),
    AlarmRule(name="IngestionLagP95", code="PIPELINE_LAG_EXCEEDED", metric="PublishLagP95", statistic="Maximum",
              period_seconds=60, evaluation_periods=10, datapoints_to_alarm=10, threshold=120,
              comparison="GreaterThanThreshold", severity="warning",
              dimensions={"Component": "telemetry.publisher", "Severity": "info"},
              slo="Ingestion p95 <= 60 s; alarm at 120 s for 10 min."),
    AlarmRule(name="OutboxBacklogAge", code="PIPELINE_LAG_EXCEEDED", metric="OutboxOldestPendingAge",
              statistic="Maximum", period_seconds=60, evaluation_periods=10, datapoints_to_alarm=10, threshold=120,
              comparison="GreaterThanThreshold", severity="warning",
              dimensions={"Component": "telemetry.publisher", "Severity": "info"},
              slo="Ingestion p95 <= 60 s: an event waiting in the outbox over 120 s for 10 min (publisher stopped)."),
    _count("LagExceeded", "PIPELINE_LAG_EXCEEDED", periods=2, severity="warning",
           slo="Ingestion p95 <= 60 s: batches over the limit for 10 minutes."),
    _count("CtasFailure", "CTAS_FAILURE",
           slo="NRT views <= 10 min (alarm at 20 min); daily marts done by 06:00 local (alarm at 07:00)."),
    AlarmRule(name="NrtViewsStale", code="CTAS_FAILURE", metric="NrtViewAgeSeconds", statistic="Maximum",
              period_seconds=300, evaluation_periods=1, datapoints_to_alarm=1, threshold=20 * 60,
              comparison="GreaterThanThreshold", dimensions={"Component": "warehouse", "Severity": "info"},
              slo="NRT views <= 10 min; alarm at 20 min."),
    _count("QualityCheckFailed", "QUALITY_CHECK_FAILED", slo="Silver/Gold tests pass."),
    AlarmRule(name="AthenaScannedBytes", code="ATHENA_SCANNED_BYTES_BREACH", metric="ProcessedBytes",
              statistic="Sum", period_seconds=86400, evaluation_periods=1, datapoints_to_alarm=1,
              threshold={env: budget * ATHENA_ALARM_SHARE for env, budget in ATHENA_DAILY_BUDGET_BYTES.items()},
              comparison="GreaterThanOrEqualToThreshold", namespace="AWS/Athena", severity="warning",
              slo="Athena scanned bytes < 500 GB/day (stage), < 2 TB/day (prod); alarm at 80 %."),
    _count("AthenaBreachCounted", "ATHENA_SCANNED_BYTES_BREACH", severity="warning",
           slo="A query was cancelled by the workgroup's bytes-scanned cutoff."),
    _count("BiRefreshFailed", "BI_REFRESH_FAILED", periods=2, period=3600,
           slo="BI refresh success >= 99 %; alarm on 2 consecutive failures."),
    _count("DsarConflict", "DSAR_CONFLICT", slo="DSAR tombstone flow proven; conflicts resolved by privacy staff."),
)


def rules_for(code: str) -> list[AlarmRule]:
    return [rule for rule in RULES if rule.code == code]


# --- CloudFormation -------------------------------------------------------------------------------------

def _alarm_resource(rule: AlarmRule) -> dict[str, Any]:
    dimensions: list[dict[str, Any]]
    if rule.namespace == "AWS/Athena":
        dimensions = [{"Name": "WorkGroup", "Value": {"Ref": "AthenaWorkGroupName"}}]
    else:
        dimensions = [{"Name": "Environment", "Value": {"Ref": "Environment"}}] + [
            {"Name": key, "Value": value} for key, value in rule.dimensions.items()]
    threshold: Any = rule.threshold
    if isinstance(rule.threshold, dict):
        threshold = {"Fn::If": ["IsProduction", rule.threshold["production"], rule.threshold["stage"]]}
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": {"Fn::Sub": f"fansub-${{Environment}}-{rule.name}"},
            "AlarmDescription": {"Fn::Sub": f"{rule.code} ({rule.severity}): {rule.slo} "
                                            f"Runbook: ${{RunbookBaseUrl}}/{rule.code}.md"},
            "Namespace": rule.namespace or {"Ref": "MetricsNamespace"},
            "MetricName": rule.metric,
            "Dimensions": dimensions,
            "Statistic": rule.statistic,
            "Period": rule.period_seconds,
            "EvaluationPeriods": rule.evaluation_periods,
            "DatapointsToAlarm": rule.datapoints_to_alarm,
            "Threshold": threshold,
            "ComparisonOperator": rule.comparison,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
        },
    }


def cloudformation_template() -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Fan-Sub data platform alarms, one per rule of telemetry/alarms.py (generated: "
                       "manage.py telemetry_alarms_template). Do not edit by hand.",
        "Parameters": {
            "Environment": {"Type": "String", "AllowedValues": ["stage", "production"], "Default": "stage"},
            "MetricsNamespace": {"Type": "String", "Default": "FanSub/DataPlatform",
                                 "Description": "TELEMETRY_CLOUDWATCH_NAMESPACE of the app"},
            "AthenaWorkGroupName": {"Type": "String", "Description": "The lake's Athena workgroup"},
            "RunbookBaseUrl": {"Type": "String", "Description": "Where docs/runbooks/ is browsable"},
            "AlarmEmail": {"Type": "String", "Default": "", "Description": "Subscribed to the alarm topic if set"},
        },
        "Conditions": {
            "IsProduction": {"Fn::Equals": [{"Ref": "Environment"}, "production"]},
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
        },
        "Resources": {
            "AlarmTopic": {"Type": "AWS::SNS::Topic",
                           "Properties": {"TopicName": {"Fn::Sub": "fansub-${Environment}-data-alarms"}}},
            "AlarmEmailSubscription": {
                "Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
                "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                               "Endpoint": {"Ref": "AlarmEmail"}}},
            **{f"{rule.name}Alarm": _alarm_resource(rule) for rule in RULES},
        },
        "Outputs": {"AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}}},
    }


def cloudformation_yaml() -> str:
    import yaml

    header = "# Generated from telemetry/alarms.py by `manage.py telemetry_alarms_template`. Do not edit.\n"
    return header + yaml.safe_dump(cloudformation_template(), sort_keys=False, width=120)
