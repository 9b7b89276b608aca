"""Firehose transform Lambda: validate each record as emit() does, and give it its Bronze partition.

Records arrive from the EventBridge rule (target InputPath `$.detail`: the envelope itself) or straight
from the app's Firehose sink (one JSON envelope per record, newline-terminated). Each record is checked
by telemetry.validation.validate_envelope — the same function, the same JSON Schemas (bundled from
telemetry/schemas by infra/lambda/package.py) — and answered:

- valid: `Ok`, the envelope as one compact JSON line, and `metadata.partitionKeys` {event_type, dt, hour}
  for the stream's dynamic partitioning (`!{partitionKeyFromLambda:…}` in its prefix);
- invalid: `ProcessingFailed` with the original data (Firehose writes it under the error prefix), and
  the refusal is counted as EVENT_ENVELOPE_INVALID or EVENT_SCHEMA_INVALID through a CloudWatch
  Embedded Metric Format log line (dimensions Environment / Component=firehose.transform / Severity),
  which the alarms in infra/alarms.yaml watch. The record itself is never logged: it may hold personal data.
"""

import base64
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

try:  # in the Lambda package, telemetry/ sits beside this file; in the repository, two folders up
    from telemetry.validation import partition_keys, validate_envelope
except ImportError:  # pragma: no cover - exercised by the packaged-zip test
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from telemetry.validation import partition_keys, validate_envelope

COMPONENT = "firehose.transform"
NAMESPACE = os.environ.get("METRICS_NAMESPACE", "FanSub/DataPlatform")
ENVIRONMENT = os.environ.get("ENVIRONMENT_LABEL", "stage")


def check_record(data: bytes) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    """(envelope, None) when publishable, (None, (code, message)) when not."""
    try:
        envelope = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, ("EVENT_ENVELOPE_INVALID", f"not JSON: {exc.__class__.__name__}")
    if not isinstance(envelope, dict):
        return None, ("EVENT_ENVELOPE_INVALID", "not a JSON object")
    problem = validate_envelope(envelope)
    return (None, problem) if problem else (envelope, None)


def transform_records(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Firehose output records, and (recordId, code, message) for each refusal."""
    output: list[dict[str, Any]] = []
    refusals: list[tuple[str, str, str]] = []
    for record in records:
        envelope, problem = check_record(base64.b64decode(record["data"]))
        if problem or envelope is None:
            code, message = problem or ("EVENT_ENVELOPE_INVALID", "empty")
            refusals.append((record["recordId"], code, message))
            output.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
            continue
        line = json.dumps(envelope, separators=(",", ":"), sort_keys=True) + "\n"
        output.append({"recordId": record["recordId"], "result": "Ok",
                       "data": base64.b64encode(line.encode()).decode(),
                       "metadata": {"partitionKeys": partition_keys(envelope)}})
    return output, refusals


def emf_line(counts: Counter[str], timestamp_ms: int) -> str:
    """One CloudWatch Embedded Metric Format document counting the refusals by code."""
    return json.dumps({
        "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [{
            "Namespace": NAMESPACE, "Dimensions": [["Environment", "Component", "Severity"]],
            "Metrics": [{"Name": code, "Unit": "Count"} for code in sorted(counts)]}]},
        "Environment": ENVIRONMENT, "Component": COMPONENT, "Severity": "error",
        **{code: count for code, count in sorted(counts.items())},
    }, separators=(",", ":"))


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    import time

    output, refusals = transform_records(event.get("records", []))
    if refusals:
        print(emf_line(Counter(code for _, code, _ in refusals), int(time.time() * 1000)))
        for record_id, code, message in refusals:  # the message names fields, never the record's data
            print(json.dumps({"level": "warning", "recordId": record_id, "code": code,
                              "message": message[:500]}))
    return {"records": output}
