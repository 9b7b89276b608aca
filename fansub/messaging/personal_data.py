"""How messages are exported and erased."""

from fansub.messaging.models import MassMessage, MassMessageRecipient, Message, MessageThread
from governance import registry

registry.register(MessageThread, user_path="fan", fields=("creator__handle", "created_at", "last_message_at"),
                  erasure="delete")
registry.register(Message, user_path="sender", fields=("thread_id", "text", "created_at"), erasure="delete")
registry.register(MassMessage, user_path="creator", fields=("text", "segment", "created_at"), erasure="delete")
registry.register(MassMessageRecipient, user_path="fan", fields=("mass_message_id", "delivered_at"),
                  erasure="delete")
