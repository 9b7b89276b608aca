"""A small callback registry: how payments asks product apps things without importing them.

Product apps register callbacks in their AppConfig.ready(); payments calls them by name.
"""

from collections.abc import Callable
from typing import Any

_callbacks: dict[str, list[Callable[..., Any]]] = {}

# Names payments calls:
CREATOR_CONTENT_CATEGORY = "creator_content_category"  # (creator) -> "adult" | "general"
PAYOUT_READINESS_CHANGED = "payout_readiness_changed"  # (creator, ready: bool) -> None
# After commit, when a payment reaches a final state later than the call that made it (3-D Secure
# finished, a webhook arrived): products complete or fail what they were waiting for.
PAYMENT_SETTLED = "payment_settled"  # (purpose, reference, payment_public_id: str, succeeded: bool) -> None
# After commit, when a refund or a lost dispute takes money back: products revoke what it bought.
PAYMENT_REVERSED = "payment_reversed"  # (purpose, reference, payment_public_id: str, fully: bool) -> None
# After commit, when a refund that had succeeded fails at the provider (the money is the platform's
# again and the sale stands): products may restore what the refund revoked.
REFUND_FAILED = "refund_failed"  # (purpose, reference, payment_public_id: str, refund_public_id: str) -> None
# After commit, when a processor-billed subscription (CCBill) changes without money moving:
# kind is "renewed" (a rebill was captured), "renewal_failed", "cancelled" or "expired"; the payment is the first sale.
PROVIDER_SUBSCRIPTION_CHANGED = "provider_subscription_changed"  # (purpose, reference, payment_public_id, kind)
# Asked before any payout is created (payout run, retry, admin): a reason blocks it (moderation's freeze).
PAYOUTS_BLOCKED = "payouts_blocked"  # (creator) -> reason | None
# After commit, when a creator's payout reached the bank (products tell the creator).
PAYOUT_PAID = "payout_paid"  # (creator, amount: Money, payout_public_id: str) -> None
# After commit, when a fan's refund request is made or changes state (requested, escalated, refunded,
# partially_refunded, declined, withdrawn): products tell the fan and the creator. ``amount`` is what was
# asked for (requested) or refunded (refunded states), else None.
REFUND_REQUEST_CHANGED = "refund_request_changed"  # (fan, creator, request_public_id: str, status, amount) -> None


def register(name: str, callback: Callable[..., Any]) -> None:
    callbacks = _callbacks.setdefault(name, [])
    if callback not in callbacks:
        callbacks.append(callback)


def unregister(name: str, callback: Callable[..., Any]) -> None:
    if callback in _callbacks.get(name, []):
        _callbacks[name].remove(callback)


def notify(name: str, *args: Any, **kwargs: Any) -> None:
    for callback in list(_callbacks.get(name, [])):
        callback(*args, **kwargs)


def ask(name: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """The first registered callback's answer, or ``default`` when nobody answers."""
    for callback in _callbacks.get(name, []):
        answer = callback(*args, **kwargs)
        if answer is not None:
            return answer
    return default
