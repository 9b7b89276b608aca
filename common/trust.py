"""How product apps consult Trust & Safety without importing it (products must not import moderation).

Moderation registers its callbacks here in ``ModerationConfig.ready()``; products call the functions below.
With nothing registered (moderation not installed), every check passes.

Text screening: ``screen_text(kind, text, author=...)`` raises CONTENT_REFUSED (details name the rule
category, never the matched words) or returns a ``Hold`` when the text must be reviewed; the product saves the
thing (kept out of sight where it can) and then calls ``hold.queue(target_id)`` inside its transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Callback names
SCREEN_TEXT = "screen_text"  # (kind, text, author) -> Hold | None, may raise ContentRefused
QUEUE_HELD = "queue_held"  # (kind, target_id, author, hold) -> None
HIDDEN_FROM_DISCOVERY = "hidden_from_discovery"  # () -> lazy query of user ids hidden from discovery
ACCOUNT_BLOCKED = "account_blocked"  # (user) -> reason str | None (suspended or banned)

# What products screen (the kind names reports use for the same things).
COMMENT, TIP_NOTE, REQUEST_DESCRIPTION, MESSAGE, PROFILE = "comment", "tip", "custom_request", "message", "profile"

_callbacks: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class Hold:
    """Screening matched a hold rule: the text is kept and a report goes to the queue."""

    kind: str
    category: str
    severity: int

    def queue(self, target_id: Any, author: Any = None) -> None:
        callback = _callbacks.get(QUEUE_HELD)
        if callback is not None:
            callback(self.kind, str(target_id), author, self)


def register(name: str, callback: Callable[..., Any]) -> None:
    _callbacks[name] = callback


def unregister(name: str) -> None:
    _callbacks.pop(name, None)


def screen_text(kind: str, text: str, *, author: Any = None) -> Hold | None:
    callback = _callbacks.get(SCREEN_TEXT)
    if callback is None or not (text or "").strip():
        return None
    return callback(kind, text, author)


def hidden_from_discovery() -> Any:
    """User ids hidden from discovery, as a lazy query (use it in ``exclude(user_id__in=...)``: a subquery,
    no extra round trip), or None when nothing is registered."""
    callback = _callbacks.get(HIDDEN_FROM_DISCOVERY)
    return callback() if callback is not None else None


def account_blocked(user: Any) -> str | None:
    callback = _callbacks.get(ACCOUNT_BLOCKED)
    return callback(user) if callback is not None and getattr(user, "pk", None) else None
