"""HMAC signatures for provider callbacks: ``t=<unix seconds>,v1=<hex sha256 of "t.body">``.

The timestamp is inside the signed message, so a captured callback cannot be re-dated; callbacks older
(or newer) than the tolerance are refused, and within the window the receipt table refuses a replay.
"""

import hashlib
import hmac
from datetime import UTC, datetime

from common.errors import AgeWebhookNotConfigured, WebhookSignatureInvalid, WebhookTimestampStale

SIGNATURE_HEADER = "X-Fansub-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str | None, body: bytes, *, now: datetime, tolerance_seconds: int) -> datetime:
    """The signed time when the header is a valid, fresh signature of ``body``; raises otherwise."""
    if not secret:
        raise AgeWebhookNotConfigured()
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key and value:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise WebhookSignatureInvalid()
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise WebhookSignatureInvalid()
    if abs(now.timestamp() - timestamp) > tolerance_seconds:
        raise WebhookTimestampStale(details={"tolerance_seconds": tolerance_seconds})
    return datetime.fromtimestamp(timestamp, tz=UTC)


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
