from fansub.models.profiles import CreatorProfile, FanProfile
from fansub.models.users import Role, User

__all__ = ["CreatorProfile", "FanProfile", "Role", "User"]
