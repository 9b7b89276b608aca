"""Pseudonymous ids: a keyed hash of a local id, stable per key, useless without it."""

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from django.conf import settings


def pseudonym(kind: str, local_id: Any) -> str:
    return _pseudonym(settings.TELEMETRY_PSEUDONYM_KEY, kind, str(local_id))


@lru_cache(maxsize=65536)  # the active users of a process: one HMAC each, not one per event
def _pseudonym(key: str, kind: str, local_id: str) -> str:
    message = f"{kind}:{local_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def actor_pseudonym(user: Any) -> str | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return pseudonym("user", user.pk)
