from fansub.accounts.models.profiles import CreatorProfile, FanProfile
from fansub.accounts.models.social import Block, Follow
from fansub.accounts.models.users import Role, User, UserManager

__all__ = ["Block", "CreatorProfile", "FanProfile", "Follow", "Role", "User", "UserManager"]
