"""Trust & Safety's write on messages (called by moderation; messaging never imports moderation)."""

from django.db import transaction
from django.utils import timezone

from common.errors import NotFoundError
from fansub.messaging.models import Message


def remove_message(message_id: int) -> Message:
    """Withdraw a message from the thread as if unsent (the report keeps its snapshot)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise NotFoundError("No such message.")
        if message.unsent_at is None:
            message.unsent_at = timezone.now()
            message.save(update_fields=["unsent_at"])
    return message
