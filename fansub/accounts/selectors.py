"""Reads of accounts, profiles and the social graph."""

from fansub.accounts.models import FanProfile, Follow, Role, User


def active_user_by_handle(handle: str) -> User | None:
    return User.objects.filter(handle__iexact=handle, is_active=True).first()


def fan_by_handle(handle: str) -> User | None:
    return User.objects.filter(handle__iexact=handle, role=Role.FAN, is_active=True).first()


def fan_profile(user: User) -> FanProfile | None:
    """The fan's profile, or None (a read never creates one: sign-up does)."""
    return FanProfile.objects.filter(user=user).first()


def is_following(viewer: User, creator: User) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and Follow.objects.filter(fan=viewer,
                                                                                      creator=creator).exists()
