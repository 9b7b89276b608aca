"""How tips and pay-per-view (posts and paid messages) react to payments' late news: a payment that settles
after the purchase gave up on it, and a refund that failed at the provider after it had succeeded."""

import contextlib
from typing import Any

from django.db import IntegrityError, transaction

from common.errors import DomainError
from fansub.messaging.models import Message
from fansub.posts.models import Post
from fansub.purchases.models import TIP_TRANSITIONS, MessageUnlock, PostPurchase, Tip
from fansub.purchases.services import billing
from governance.services import audit
from telemetry.events import emit

PPV = ("ppv_post", "ppv_message")


def _id(reference: str, prefix: str) -> int | None:
    value = reference[len(prefix):] if reference.startswith(prefix) else ""
    return int(value) if value.isdigit() else None


def late_ppv_settled(purpose: str, reference: str, payment_reference: str) -> str:
    """A PPV payment that finished after the buy call returned (3-D Secure completed, a webhook arrived late):
    grant the unlock if the item is still for sale to this fan, else refund it in full. Returns what happened."""
    fan_id = billing.payment_fan_id(payment_reference)
    if purpose == "ppv_post":
        post_id = _id(reference, "post:")
        if PostPurchase.objects.filter(payment_reference=payment_reference).exists():
            return "already_granted"
        post = Post.objects.filter(pk=post_id).first() if post_id else None
        if post is None:
            return "unknown"
        outcome = _grant_late(PostPurchase, "post", post, fan_id, payment_reference,
                              for_sale=post.ppv_price is not None)
        if outcome:
            return outcome
    elif purpose == "ppv_message":
        message_id = _id(reference, "message:")
        if MessageUnlock.objects.filter(payment_reference=payment_reference).exists():
            return "already_granted"
        message = (Message.objects.filter(pk=message_id, thread__fan_id=fan_id).first() if message_id else None)
        if message is None:
            return "unknown"
        outcome = _grant_late(MessageUnlock, "message", message, fan_id, payment_reference,
                              for_sale=message.unsent_at is None and message.price_minor is not None)
        if outcome:
            return outcome
    billing.refund_unfulfilled(payment_reference, purpose=purpose, reference=reference, reason="settled_late")
    return "refunded"


def late_tip_settled(payment_reference: str, reference: str) -> str:
    """A tip whose payment succeeded after the tip was recorded as failed (the fan paid again on the provider's
    page after a decline): the fan is not charged for a tip the creator was never shown; the money goes back."""
    tip_id = _id(reference, "tip:")
    tip = Tip.objects.filter(pk=tip_id).first() if tip_id else None
    if tip is None or tip.status != Tip.Status.FAILED:
        return "kept"  # pending (the charge call settles it) or already succeeded with this payment
    billing.refund_unfulfilled(payment_reference, purpose="tip", reference=reference, reason="settled_late")
    return "refunded"


def restore_after_failed_refund(purpose: str, reference: str, payment_reference: str, refund_reference: str) -> None:
    """A refund failed at the provider after it had succeeded: the sale stands again. What the refund revoked is
    restored (a PPV unlock, a tip's status) and the failure is written to the audit log for Finance."""
    with transaction.atomic():
        if purpose in PPV:
            model: Any = PostPurchase if purpose == "ppv_post" else MessageUnlock
            row = model.objects.select_for_update().filter(payment_reference=payment_reference).first()
            if row is not None and row.revoked_at is not None:
                key = {"post_id": row.post_id} if purpose == "ppv_post" else {"message_id": row.message_id}
                if not model.objects.filter(fan_id=row.fan_id, revoked_at__isnull=True, **key).exists():
                    row.revoked_at = None
                    row.save(update_fields=["revoked_at"])
        elif purpose == "tip":
            for tip in Tip.objects.select_for_update().filter(payment_reference=payment_reference):
                if tip.status == Tip.Status.REFUNDED:
                    TIP_TRANSITIONS.move(tip, Tip.Status.SUCCEEDED)
                    tip.save(update_fields=["status"])
        audit.record(actor=None, action="purchase.refund_failed", object_type="payments.payment",
                     object_id=payment_reference, reason="The refund failed at the provider; the sale stands.",
                     details={"purpose": purpose, "reference": reference, "refund": refund_reference})


def settle_quietly(func: Any, *args: Any) -> None:
    """Hooks run after commit with nobody waiting on them: a refusal is logged by the service, never raised."""
    with contextlib.suppress(DomainError):
        func(*args)


def _grant_late(unlock_model: Any, item_field: str, item: Any, fan_id: int, payment_reference: str, *,
                for_sale: bool) -> str | None:
    """Grant a late-settled unlock: "granted", "already_granted" (the buy call won the race for this very
    payment: never refund it), or None when the item is not for sale or the fan already owns it (refund)."""
    unlocks = unlock_model.objects
    owned = unlocks.filter(**{item_field: item}, fan_id=fan_id, revoked_at__isnull=True).exists()
    if for_sale and not owned:
        try:
            with transaction.atomic():
                unlocks.create(**{item_field: item}, fan_id=fan_id, payment_reference=payment_reference)
                emit("ppv.purchased", {"item": item_field, "item_id": item.pk,
                                       "payment_reference": payment_reference}, actor=None)
        except IntegrityError:
            pass
        else:
            return "granted"
    if unlocks.filter(payment_reference=payment_reference).exists():
        return "already_granted"
    return None
