"""Replaying dead letters: re-validate each one and move those that now pass into the outbox.

An event is dead-lettered when it failed validation at emit time. Some failures are repairable without
touching the row: the schema (or schema version) it needs has since shipped, or a schema was loosened.
Events refused for personal data are never replayable: their payload was withheld (only its keys kept).
"""

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from governance.services import audit
from telemetry import schema_registry
from telemetry.events import validate_envelope
from telemetry.models import DeadLetterEvent, OutboxEvent

logger = logging.getLogger("fansub.telemetry")


@dataclass
class ReplayResult:
    replayed: list[int] = field(default_factory=list)
    already_published: list[int] = field(default_factory=list)
    still_invalid: dict[int, str] = field(default_factory=dict)
    unrepairable: list[int] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return len(self.replayed) + len(self.already_published)


def _candidate(envelope: dict[str, Any]) -> dict[str, Any]:
    candidate = dict(envelope)
    if not candidate.get("schema_version"):
        # Dead-lettered as an unknown type: take the schema that exists now, if any.
        with contextlib.suppress(KeyError):
            candidate["schema_version"] = schema_registry.latest_version(str(candidate.get("event_type", "")))
    return candidate


def replay_dead_letters(*, ids: list[int] | None = None, event_type: str | None = None,
                        limit: int | None = None, dry_run: bool = False) -> ReplayResult:
    result = ReplayResult()
    queue = DeadLetterEvent.objects.order_by("id")
    if ids:
        queue = queue.filter(pk__in=ids)
    if event_type:
        queue = queue.filter(event_type=event_type)
    candidates = queue.values_list("pk", flat=True)
    for pk in list(candidates[:limit] if limit else candidates):
        with transaction.atomic():
            rows = DeadLetterEvent.objects.filter(pk=pk)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)  # a concurrent replay has it: leave it
            dead = rows.first()
            if dead is None:
                continue
            _replay_one(dead, result, dry_run=dry_run)
    if result.moved and not dry_run:
        audit.record(actor=None, action="telemetry.dead_letters_replayed",
                     reason="manage.py telemetry_replay_dead_letters",
                     details={"replayed": len(result.replayed), "already_published": len(result.already_published),
                              "still_invalid": len(result.still_invalid)})
    return result


def _replay_one(dead: DeadLetterEvent, result: ReplayResult, *, dry_run: bool) -> None:
    if not isinstance(dead.envelope.get("payload"), dict):
        result.unrepairable.append(dead.pk)
        return
    envelope = _candidate(dead.envelope)
    problem = validate_envelope(envelope)
    if problem:
        result.still_invalid[dead.pk] = f"{problem[0]}: {problem[1]}"
        return
    if dry_run:
        result.replayed.append(dead.pk)
        return
    _, created = OutboxEvent.objects.get_or_create(
        event_id=envelope["event_id"],
        defaults={"event_type": envelope["event_type"], "schema_version": envelope["schema_version"],
                  "envelope": envelope},
    )
    (result.replayed if created else result.already_published).append(dead.pk)
    dead.delete()
    logger.info("dead letter %s replayed as %s", dead.pk, envelope["event_id"])
