"""Reads of accounts, profiles, notifications and the social graph."""

from django.db.models import Q, QuerySet

from fansub.accounts.models import (
    DEFAULT_CHANNELS,
    Block,
    CreatorProfile,
    FanProfile,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    Role,
    User,
)
from fansub.verification.policy import adult_denial


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


def unread_notification_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_rows(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first, as a queryset (the API pages through it)."""
    rows = Notification.objects.filter(user=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notification_channels(user: User) -> dict[str, tuple[bool, bool]]:
    """(in_app, email) for every kind, the person's choice where they made one, the default otherwise."""
    chosen = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    return {kind.value: chosen.get(kind.value, DEFAULT_CHANNELS[kind]) for kind in NotificationKind}


def notifications_for(user: User, *, limit: int = 50) -> list[Notification]:
    """The person's own notifications, newest first."""
    return list(Notification.objects.filter(user=user)[:limit])


def search_creators(creators: QuerySet[CreatorProfile], query: str = "",
                    category: str = "") -> QuerySet[CreatorProfile]:
    """Narrow an already visibility-filtered set of creators by name, handle or tag, and by category."""
    query = query.strip().lstrip("@#")
    if query:
        creators = creators.filter(Q(display_name__icontains=query) | Q(user__handle__icontains=query)
                                   | Q(tags__icontains=query.lower()))
    if category:
        creators = creators.filter(category=category)
    return creators


def announced(kind: str, ref: str) -> bool:
    """Whether anyone was already notified of ``ref``."""
    return Notification.objects.filter(kind=kind, ref=ref).exists()


def adult_gate_reason(viewer: User, handle: str) -> str | None:
    """Why ``viewer`` meets an 18+ gate instead of this creator's page: "age_verification_required" or
    "safe_mode"; None when there is no such adult creator, or the viewer may see it, or a block hides it."""
    profile = CreatorProfile.objects.filter(user__handle__iexact=handle, user__is_active=True, is_adult=True).first()
    if profile is None:
        return None
    if getattr(viewer, "is_authenticated", False) and Block.objects.filter(blocker=profile.user_id,
                                                                           blocked=viewer).exists():
        return None
    return adult_denial(viewer)
