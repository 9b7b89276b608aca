"""emit(): the one way product code publishes an event.

The event is validated (envelope + its own schema + a PII scan) and written to the outbox in
the caller's database transaction, so it exists if and only if the change it describes does.
An invalid event never breaks the caller's business transaction: it goes to the dead-letter
table and is counted under its error code.

Fast path (see telemetry/outbox.py and bench/telemetry.py): validators are compiled once, the
envelope is serialised once, the PII scan caches its key verdicts, and the events of one
transaction are inserted together.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fastjsonschema
from django.conf import settings

from telemetry import metrics, schema_registry
from telemetry.models import DeadLetterEvent
from telemetry.outbox import buffer_for
from telemetry.pseudonyms import actor_pseudonym
from telemetry.validation import pii_problem, validate_envelope

__all__ = ["EmittedEvent", "build_envelope", "dead_letter", "emit", "prepare", "validate_envelope"]

logger = logging.getLogger("fansub.telemetry")

ROLES = {"fan", "creator", "staff"}
_JsonSchemaException = fastjsonschema.JsonSchemaException


@dataclass(frozen=True, slots=True)
class EmittedEvent:
    """What emit() wrote to the outbox (the row itself is inserted with its transaction's other events)."""

    event_id: uuid.UUID
    event_type: str
    schema_version: str
    envelope: dict[str, Any]


def _role_of(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "anonymous" if actor is not None else "system"
    role = getattr(actor, "role", "")
    return role if role in ROLES else "fan"


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is UTC:
        return moment.isoformat()[:-6] + "Z"  # drop "+00:00"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
        return moment.replace(tzinfo=None).isoformat() + "Z"
    return moment.isoformat()  # naive: the envelope schema refuses it (no offset), as it always did


def build_envelope(event_type: str, payload: dict[str, Any], *, actor: Any = None, version: str | None = None,
                   source: str = "web", occurred_at: datetime | None = None,
                   event_id: uuid.UUID | None = None) -> dict[str, Any]:
    return {
        "event_id": str(event_id or uuid.uuid4()),
        "event_type": event_type,
        "schema_version": version if version is not None else schema_registry.latest_version(event_type),
        "occurred_at": _timestamp(occurred_at or datetime.now(UTC)),
        "actor_id": actor_pseudonym(actor),
        "actor_role": _role_of(actor),
        "environment": settings.DJANGO_ENV,
        "source_component": source,
        "payload": payload,
    }


_checked_headers: set[tuple[Any, ...]] = set()
_checked_of: list[Any] = [None]


def _validate_built(envelope: dict[str, Any], *, generated_time: bool) -> tuple[str, str] | None:
    """validate_envelope() for an envelope build_envelope() made, with the envelope schema run once per header.

    Of the envelope's fields only four vary per event, and build_envelope() makes three of them valid by
    construction (event_id from uuid4, actor_id a 32-hex HMAC or null, occurred_at formatted from an aware
    datetime). So once a header (type, version, role, environment, source, actor or not) has passed the
    envelope schema, later envelopes with that header only need their payload checked. A naive
    occurred_at, or any header not yet seen, takes the full envelope check.
    """
    found = schema_registry.catalogue()
    if _checked_of[0] is not found:
        _checked_headers.clear()
        _checked_of[0] = found
    header = (envelope["event_type"], envelope["schema_version"], envelope["actor_role"], envelope["environment"],
              envelope["source_component"], envelope["actor_id"] is None)
    if not generated_time or header not in _checked_headers or type(envelope["payload"]) is not dict:
        problem = validate_envelope(envelope)
        if problem is None and generated_time:
            _checked_headers.add(header)
        return problem
    try:
        check = schema_registry.validator(envelope["event_type"], envelope["schema_version"])
        check(envelope["payload"])
    except (KeyError, _JsonSchemaException):
        return validate_envelope(envelope)  # the full check words the refusal
    return pii_problem(envelope["payload"])


def prepare(event_type: str, payload: dict[str, Any], actor: Any = None, *, version: str | None = None,
            source: str = "web", occurred_at: datetime | None = None,
            event_id: uuid.UUID | None = None) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """The envelope and, when it may not be published, (error_code, message)."""
    try:
        envelope = build_envelope(event_type, payload, actor=actor, version=version, source=source,
                                  occurred_at=occurred_at, event_id=event_id)
    except KeyError:
        # Still a complete envelope (id, time, actor), so the event can be replayed once its schema ships.
        envelope = build_envelope(event_type, payload, actor=actor, version=version or "", source=source,
                                  occurred_at=occurred_at, event_id=event_id)
        return envelope, ("EVENT_SCHEMA_INVALID", f"unknown event type {event_type}")
    aware = occurred_at is None or occurred_at.tzinfo is not None
    return envelope, _validate_built(envelope, generated_time=aware)


def dead_letter(envelope: dict[str, Any], problem: tuple[str, str], *, component: str = "telemetry.emit") -> None:
    code, message = problem
    payload = envelope.get("payload")
    # The payload may be what carried the PII: keep only its keys in the dead letter.
    safe = ({**envelope, "payload": sorted(payload) if isinstance(payload, dict) else []}
            if "personal data" in message else envelope)
    event_type = str(envelope.get("event_type", ""))[:100]
    DeadLetterEvent.objects.create(event_type=event_type, error_code=code, error=message[:2000], envelope=safe)
    metrics.increment(code, component=component)
    logger.error("event %s refused: %s %s", event_type, code, message)


def emit(event_type: str, payload: dict[str, Any], actor: Any = None, *, version: str | None = None,
         source: str = "web", occurred_at: datetime | None = None) -> EmittedEvent | None:
    event_id = uuid.uuid4()
    now = datetime.now(UTC)
    envelope, problem = prepare(event_type, payload, actor, version=version, source=source,
                                occurred_at=occurred_at or now, event_id=event_id)
    if problem:
        dead_letter(envelope, problem)
        return None
    buffer = buffer_for()
    buffer.add(buffer.row(event_id, envelope, now))
    return EmittedEvent(event_id, event_type, envelope["schema_version"], envelope)
