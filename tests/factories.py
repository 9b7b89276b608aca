"""Plain-row factories for tests. State changes go through the real services instead."""

import itertools

from fansub.models import CreatorProfile, FanProfile, Role, User

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def make_fan(*, handle: str | None = None, country: str = "GB", region: str = "", **extra) -> User:
    n = next(_seq)
    handle = handle or f"fan_{n}"
    user = User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.FAN, **extra)
    FanProfile.objects.create(user=user, country=country, region=region)
    return user


def make_creator(*, handle: str | None = None, adult: bool = False, country: str = "US", **extra) -> User:
    n = next(_seq)
    handle = handle or f"creator_{n}"
    user = User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.CREATOR, **extra)
    CreatorProfile.objects.create(user=user, display_name=handle.title(), is_adult=adult, country=country)
    return user


def make_staff(*, handle: str | None = None, superuser: bool = False) -> User:
    n = next(_seq)
    handle = handle or f"staff_{n}"
    return User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.STAFF, is_staff=True, is_superuser=superuser)
