from datetime import timedelta

from django.conf import settings

from governance import registry
from governance.models import AuditLog, DataSubjectRequest, LegalHold, RetainedRecord
from governance.registry import Keep
from telemetry.models import DeadLetterEvent

registry.register(
    AuditLog,
    user_path="actor",
    fields=("action", "object_type", "object_id", "reason", "created_at"),
    erasure="retain",
    retention_reason="Accountability for staff and money/safety decisions (append-only audit trail).",
)
_ACCOUNTABILITY = ("GDPR Art. 5(2) and 12: we must be able to show how each privacy request was answered; "
                   "kept 3 years after it was received.")
registry.register(
    DataSubjectRequest, user_path="subject",
    fields=("public_id", "kind", "status", "received_at", "due_at", "extended_due_at", "completed_at", "details"),
    erasure="retain", retention_reason=_ACCOUNTABILITY,
    keep=Keep(after="received_at", years=3, basis="legal obligation", action="delete"),
)
registry.register(
    LegalHold, user_path="subject", fields=("name", "status", "placed_at", "released_at"),
    erasure="retain", retention_reason="A legal hold preserves records for legal proceedings until released.",
)
registry.register(
    RetainedRecord, user_path="subject", fields=("model_label", "object_pk", "basis", "keep_until"),
    erasure="retain", retention_reason="The list of records kept after an erasure, and why (Art. 17(3)).",
)


def _purge_dead_letters(now: object) -> int:
    """Refused events are operational logs: kept LOG_RETENTION_DAYS for replay and debugging, then deleted."""
    cutoff = now - timedelta(days=settings.LOG_RETENTION_DAYS)  # type: ignore[operator]
    return DeadLetterEvent.objects.filter(created_at__lt=cutoff).delete()[0]


registry.register_sweep("telemetry.DeadLetterEvent", Keep(after="created_at", days=settings.LOG_RETENTION_DAYS,
                                                          basis="legitimate interest"), _purge_dead_letters)
