from governance import registry
from governance.models import AuditLog

registry.register(
    AuditLog,
    user_path="actor",
    fields=("action", "object_type", "object_id", "reason", "created_at"),
    erasure="retain",
    retention_reason="Accountability for staff and money/safety decisions (append-only audit trail).",
)
