"""How fansub's personal data is exported and erased (see governance.registry)."""

import re

from fansub.accounts.models import (
    Block,
    CreatorProfile,
    FanProfile,
    Follow,
    Notification,
    NotificationPreference,
    User,
)
from governance import registry

registry.register(
    User, user_path="pk", fields=("email", "handle", "role", "date_joined"),
    erasure="pseudonymize",
    exporter=lambda user: [{"email": user.email, "handle": user.handle, "role": user.role,
                            "date_joined": user.date_joined.isoformat()}],
    eraser=lambda user: 0,  # the account tombstone itself is written by the DSAR erasure service
)
registry.register(
    CreatorProfile, user_path="user", fields=("display_name", "bio", "country", "is_adult", "category", "tags"),
    erasure="pseudonymize", pseudonymized_values={"display_name": "Deleted creator", "bio": "", "avatar": "",
                                                  "banner": ""},
)
registry.register(
    FanProfile, user_path="user", fields=("country", "region", "safe_mode", "age_jurisdictions_seen"), erasure="delete",
)
registry.register(Follow, user_path="fan", fields=("creator__handle", "created_at"), erasure="delete")
registry.register(Block, user_path="blocker", fields=("blocked__handle", "created_at"), erasure="delete")


def _erase_notifications(user: User) -> int:
    """The person's own notifications go; other people's notifications that name them ("New message from
    @handle") keep their meaning without the handle."""
    count, _ = Notification.objects.filter(user=user).delete()
    mention = re.compile(rf"@{re.escape(user.handle)}\b")
    for row in Notification.objects.filter(title__contains=f"@{user.handle}").only("pk", "title"):
        title = mention.sub("a former member", row.title)
        if title != row.title:
            Notification.objects.filter(pk=row.pk).update(title=title)
            count += 1
    return count


registry.register(Notification, user_path="user", fields=("kind", "title", "url", "read_at", "created_at"),
                  erasure="delete", eraser=_erase_notifications)
registry.register(NotificationPreference, user_path="user", fields=("kind", "in_app", "email"), erasure="delete")
