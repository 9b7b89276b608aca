"""How fansub's personal data is exported and erased (see governance.registry)."""

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
registry.register(Notification, user_path="user", fields=("kind", "title", "url", "read_at", "created_at"),
                  erasure="delete")
registry.register(NotificationPreference, user_path="user", fields=("kind", "in_app", "email"), erasure="delete")
