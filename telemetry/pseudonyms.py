"""Pseudonymous ids: a keyed hash of a local id, stable per key, useless without it."""

import hashlib
import hmac
from typing import Any

from django.conf import settings


def pseudonym(kind: str, local_id: Any) -> str:
    message = f"{kind}:{local_id}".encode()
    return hmac.new(settings.TELEMETRY_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def actor_pseudonym(user: Any) -> str | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return pseudonym("user", user.pk)
