"""Retention that runs: every registered keep-until rule applied by a beat job, each run recorded and audited.

Rows under an active legal hold are left alone (counted as skipped); rules whose basis is a legal obligation
act only once the obligation's keep-until date has passed (and most say "none": another job or nobody).
Further rules on a registered model (``registry.register_retention_rule``: delivered media, refused identity
documents) run the same way, each counted under its own name.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance import registry, selectors
from governance.models import RetentionRun
from governance.services import audit
from governance.services.export import delete_expired_exports
from telemetry.events import emit


def _apply(entry: registry.PersonalDataEntry, keep: registry.Keep, rows: Any) -> int:
    action = keep.action
    if callable(action):
        return action(rows)
    if action == "delete":
        return rows.delete()[0]
    if action == "pseudonymize":
        return rows.exclude(**entry.pseudonymized_values).update(**entry.pseudonymized_values)  # not twice
    return 0


def run_retention(now: datetime | None = None) -> RetentionRun:
    now = now or timezone.now()
    holds = selectors.active_holds()
    counts: dict[str, int] = {}
    skipped: dict[str, int] = {}
    with transaction.atomic():
        run = RetentionRun.objects.create()
        for entry in sorted(registry.entries(), key=lambda e: e.label):
            if entry.keep is None or entry.keep.action == "none":
                continue
            expired = entry.keep.expired(entry.model._default_manager.all(), now)
            rows, held = selectors.without_held(entry, expired, holds)
            counts[entry.label] = _apply(entry, entry.keep, rows)
            if held:
                skipped[entry.label] = held
        for name, (entry, keep) in sorted(registry.retention_rules().items()):
            expired = keep.expired(entry.model._default_manager.all(), now)
            rows, held = selectors.without_held(entry, expired, holds)
            counts[name] = _apply(entry, keep, rows)
            if held:
                skipped[name] = held
        for name, (_keep, sweep) in sorted(registry.sweeps().items()):
            counts[name] = sweep(now)
        counts["governance.export_files"] = delete_expired_exports(now)
        run.counts, run.skipped_for_holds, run.finished_at = counts, skipped, timezone.now()
        run.save()
        audit.record(actor=None, action="retention.run", obj=run,
                     details={"counts": counts, "skipped_for_holds": skipped})
        emit("retention.run_completed", {"run_id": str(run.pk), "changed": sum(counts.values()),
                                         "rules": len(counts), "skipped_for_holds": sum(skipped.values())},
             actor=None, source="worker")
    return run
