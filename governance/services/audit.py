"""Writing the audit log: the one way any staff action or money/safety decision is recorded."""

from typing import Any

from django.db import models

from governance.models import AuditLog


def record(*, actor: Any, action: str, obj: models.Model | None = None, reason: str = "",
           details: dict[str, Any] | None = None, object_type: str = "", object_id: str = "") -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditLog.objects.create(
        actor=actor_obj,
        actor_role=getattr(actor_obj, "role", "system") if actor_obj else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        details=details or {},
    )
