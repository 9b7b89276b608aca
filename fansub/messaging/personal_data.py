"""How messages are exported and erased."""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from fansub.media.models import UseKind
from fansub.media.services import deletion
from fansub.messaging.models import MassMessage, MassMessageRecipient, Message, MessageThread
from governance import registry
from governance.registry import Keep


def _export_messages(user: Any) -> list[dict[str, Any]]:
    """Both sides of the person's conversations: what they sent, and what the other party sent *to them*;
    the other party appears by public handle only (never their email or profile)."""
    rows = (Message.objects.filter(Q(thread__fan=user) | Q(thread__creator=user))
            .select_related("thread__fan", "thread__creator").order_by("thread_id", "created_at", "id"))
    out = []
    for m in rows:
        other = m.thread.creator if m.thread.fan_id == user.pk else m.thread.fan
        out.append({"thread_id": m.thread_id, "with": other.handle,
                    "from": "you" if m.sender_id == user.pk else other.handle,
                    "text": m.text, "price_minor": m.price_minor, "currency": m.currency,
                    "created_at": m.created_at.isoformat()})
    return out


registry.register(MessageThread, user_path="fan", fields=("creator__handle", "created_at", "last_message_at"),
                  erasure="delete")
registry.register(Message, user_path="sender", fields=("thread_id", "text", "created_at"), erasure="delete",
                  exporter=_export_messages, pseudonymized_values={"text": ""},
                  # Message text is emptied after its period (the row stays: unlocks and tips point at it).
                  keep=Keep(after="created_at", days=settings.MESSAGE_RETENTION_DAYS, basis="contract",
                            action="pseudonymize"))


def _retire_old_message_media(rows: QuerySet) -> int:
    """Media attached to a message leave the thread with its text; the recipient's watermarked copies are
    deleted from storage (the creator's original stays in their vault)."""
    viewer_of = {pk: (creator_id if sender_id == fan_id else fan_id)
                 for pk, sender_id, fan_id, creator_id
                 in deletion.with_uses(UseKind.MESSAGE, rows)
                 .values_list("pk", "sender_id", "thread__fan_id", "thread__creator_id")}
    return deletion.retire_uses(UseKind.MESSAGE, viewer_of)


registry.register_retention_rule(
    "messaging.Message.media", Message,
    Keep(after="created_at", days=settings.MESSAGE_RETENTION_DAYS, basis="contract", action=_retire_old_message_media))
registry.register(MassMessage, user_path="creator", fields=("text", "segment", "created_at"), erasure="delete")
registry.register(MassMessageRecipient, user_path="fan", fields=("mass_message_id", "delivered_at"),
                  erasure="delete")
