"""Pseudonymous ids: a keyed hash of a local id, stable per key, useless without it.

A person's ids (kind ``user``) also mix in a per-person random salt (``PseudonymSalt``). Erasure deletes
that salt (``shred``): the ids already published can no longer be recomputed from the local id, so lake
events cannot be linked back to the person (crypto-shredding). A later id for the same local id gets a new
salt and is unrelated to the old ones.
"""

import hashlib
import hmac
import secrets
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from telemetry.models import PseudonymSalt

SALTED_KINDS = frozenset({"user"})


def pseudonym(kind: str, local_id: Any) -> str:
    if kind in SALTED_KINDS:
        return _pseudonym(settings.TELEMETRY_PSEUDONYM_KEY, kind, f"{local_id}:{subject_salt(kind, str(local_id))}")
    return _pseudonym(settings.TELEMETRY_PSEUDONYM_KEY, kind, str(local_id))


@lru_cache(maxsize=65536)  # the active users of a process: one HMAC each, not one per event
def _pseudonym(key: str, kind: str, local_id: str) -> str:
    message = f"{kind}:{local_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


# Salts read recently, per process, for SALT_CACHE_SECONDS: a person's events cost no extra query, and a salt
# another process shredded is forgotten here within that window (the shredding process forgets at once).
SALT_CACHE_SECONDS = 300.0
_salts: dict[tuple[str, str], tuple[str, float]] = {}


def subject_salt(kind: str, local_id: str) -> str:
    now = time.monotonic()
    cached = _salts.get((kind, local_id))
    if cached and cached[1] > now:
        return cached[0]
    salt = _load_or_create(kind, local_id)
    if len(_salts) > 65536:
        _salts.clear()
    _salts[(kind, local_id)] = (salt, now + SALT_CACHE_SECONDS)
    return salt


def _load_or_create(kind: str, local_id: str) -> str:
    found = PseudonymSalt.objects.filter(kind=kind, local_id=local_id).values_list("salt", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return PseudonymSalt.objects.create(kind=kind, local_id=local_id, salt=secrets.token_hex(16)).salt
    except IntegrityError:  # a concurrent first event for the same person created it
        return PseudonymSalt.objects.get(kind=kind, local_id=local_id).salt


def forget_cached_salts() -> None:
    """Drop this process's salt cache (after a shred, or when tests roll the database back)."""
    _salts.clear()
    _pseudonym.cache_clear()


def shred(kind: str, local_id: Any) -> int:
    """Destroy the person's salt: their published pseudonyms can no longer be linked to them."""
    deleted, _ = PseudonymSalt.objects.filter(kind=kind, local_id=str(local_id)).delete()
    forget_cached_salts()
    return deleted


def has_salt(kind: str, local_id: Any) -> bool:
    return PseudonymSalt.objects.filter(kind=kind, local_id=str(local_id)).exists()


def actor_pseudonym(user: Any) -> str | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return pseudonym("user", user.pk)
