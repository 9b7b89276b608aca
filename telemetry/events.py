"""emit(): the one way product code publishes an event.

The event is validated (envelope + its own schema + a PII scan) and written to the outbox in
the caller's database transaction, so it exists if and only if the change it describes does.
An invalid event never breaks the caller's business transaction: it goes to the dead-letter
table and is counted under its error code.
"""

import logging
import uuid
from datetime import datetime
from typing import Any

import fastjsonschema
from django.conf import settings
from django.utils import timezone

from telemetry import metrics, schema_registry
from telemetry.models import DeadLetterEvent, OutboxEvent
from telemetry.pii import find_pii
from telemetry.pseudonyms import actor_pseudonym

logger = logging.getLogger("fansub.telemetry")

ROLES = {"fan", "creator", "staff"}


def _role_of(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "anonymous" if actor is not None else "system"
    role = getattr(actor, "role", "")
    return role if role in ROLES else "fan"


def build_envelope(event_type: str, payload: dict[str, Any], *, actor: Any = None, version: str | None = None,
                   source: str = "web", occurred_at: datetime | None = None) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "schema_version": version if version is not None else schema_registry.latest_version(event_type),
        "occurred_at": (occurred_at or timezone.now()).isoformat().replace("+00:00", "Z"),
        "actor_id": actor_pseudonym(actor),
        "actor_role": _role_of(actor),
        "environment": settings.DJANGO_ENV,
        "source_component": source,
        "payload": payload,
    }


def validate_envelope(envelope: dict[str, Any]) -> tuple[str, str] | None:
    """(error_code, message) when invalid, None when the event may be published."""
    try:
        schema_registry.envelope_validator()(envelope)
    except fastjsonschema.JsonSchemaException as exc:
        return "EVENT_ENVELOPE_INVALID", exc.message
    try:
        check = schema_registry.validator(envelope["event_type"], envelope["schema_version"])
    except KeyError:
        return "EVENT_SCHEMA_INVALID", f"no schema {envelope['event_type']}/{envelope['schema_version']}"
    try:
        check(envelope["payload"])
    except fastjsonschema.JsonSchemaException as exc:
        return "EVENT_SCHEMA_INVALID", exc.message
    pii = find_pii(envelope["payload"])
    if pii:
        return "EVENT_SCHEMA_INVALID", f"personal data in payload at {', '.join(pii)}"
    return None


def emit(event_type: str, payload: dict[str, Any], actor: Any = None, *, version: str | None = None,
         source: str = "web", occurred_at: datetime | None = None) -> OutboxEvent | None:
    try:
        envelope = build_envelope(event_type, payload, actor=actor, version=version, source=source,
                                  occurred_at=occurred_at)
    except KeyError:
        # Still a complete envelope (id, time, actor), so the event can be replayed once its schema ships.
        envelope = build_envelope(event_type, payload, actor=actor, version=version or "", source=source,
                                  occurred_at=occurred_at)
        problem: tuple[str, str] | None = ("EVENT_SCHEMA_INVALID", f"unknown event type {event_type}")
    else:
        problem = validate_envelope(envelope)
    if problem:
        code, message = problem
        # The payload may be what carried the PII: keep only its keys in the dead letter.
        safe = {**envelope, "payload": sorted(payload)} if "personal data" in message else envelope
        DeadLetterEvent.objects.create(event_type=event_type, error_code=code, error=message[:2000], envelope=safe)
        metrics.increment(code, component="telemetry.emit")
        logger.error("event %s refused: %s %s", event_type, code, message)
        return None
    return OutboxEvent.objects.create(
        event_id=envelope["event_id"], event_type=event_type,
        schema_version=envelope["schema_version"], envelope=envelope,
    )
