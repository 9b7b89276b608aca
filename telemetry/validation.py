"""What makes an event publishable: envelope schema, its own schema, no personal data.

Free of Django on purpose: the Firehose transform Lambda (infra/lambda/transform.py) bundles this module,
schema_registry.py, pii.py and schemas/ and asks the very same function emit() asks.
"""

from typing import Any

import fastjsonschema

from telemetry import schema_registry
from telemetry.pii import find_pii, has_pii

_JsonSchemaException = fastjsonschema.JsonSchemaException


def validate_envelope(envelope: Any) -> tuple[str, str] | None:
    """(error_code, message) when invalid, None when the event may be published."""
    try:
        schema_registry.envelope_validator()(envelope)
    except _JsonSchemaException as exc:
        return "EVENT_ENVELOPE_INVALID", exc.message
    try:
        check = schema_registry.validator(envelope["event_type"], envelope["schema_version"])
    except KeyError:
        return "EVENT_SCHEMA_INVALID", f"no schema {envelope['event_type']}/{envelope['schema_version']}"
    try:
        check(envelope["payload"])
    except _JsonSchemaException as exc:
        return "EVENT_SCHEMA_INVALID", exc.message
    return pii_problem(envelope["payload"])


def pii_problem(payload: Any) -> tuple[str, str] | None:
    if not has_pii(payload):
        return None
    return "EVENT_SCHEMA_INVALID", f"personal data in payload at {', '.join(find_pii(payload))}"


def partition_keys(envelope: dict[str, Any]) -> dict[str, str]:
    """The Hive partition of an event: event_type, dt (YYYY-MM-DD) and hour (HH) of occurred_at (UTC)."""
    occurred = envelope["occurred_at"]
    return {"event_type": envelope["event_type"], "dt": occurred[:10], "hour": occurred[11:13]}
