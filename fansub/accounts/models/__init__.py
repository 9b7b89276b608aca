from fansub.accounts.models.notifications import (
    DEFAULT_CHANNELS,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from fansub.accounts.models.page_stamps import PageStamp
from fansub.accounts.models.profiles import CreatorCategory, CreatorProfile, FanProfile
from fansub.accounts.models.social import Block, Follow
from fansub.accounts.models.users import Role, User, UserManager

__all__ = ["DEFAULT_CHANNELS", "Block", "CreatorCategory", "CreatorProfile", "FanProfile", "Follow", "Notification",
           "NotificationKind", "NotificationPreference", "PageStamp", "Role", "User", "UserManager"]
