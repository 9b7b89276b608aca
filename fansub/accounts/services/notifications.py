"""Notifications: the one door other apps (and accounts' own listeners) use to tell a person something.

``notify(user, kind, ref=..., title=..., url=...)`` honours the person's channel choices (in-app, email),
never notifies the same thing twice (``ref`` + a unique constraint), and sends the email only after commit.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import NotificationNotFound, ValidationFailed
from fansub.accounts.models import (
    DEFAULT_CHANNELS,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from fansub.accounts.services import page_stamps
from governance.services import audit
from telemetry.events import emit


def channels(user: User, kind: str) -> tuple[bool, bool]:
    """(in_app, email) for this person and kind."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if pref is not None:
        return pref.in_app, pref.email
    return DEFAULT_CHANNELS[NotificationKind(kind)]


def _send_email(address: str, title: str, url: str) -> None:
    site = settings.SITE_URL.rstrip("/")
    link = f"{site}{url}" if url.startswith("/") else url
    body = f"{title}\n\n{link}\n\nChoose which notifications you get: {site}/account/notifications/settings/\n"
    send_mail(f"Fan-Sub: {title}", body, None, [address], fail_silently=True)


def notify(user: User, kind: str, *, ref: str, title: str, url: str = "") -> Notification | None:
    """Tell ``user`` about ``ref``. Returns the in-app row (None when in-app is off, inactive or a repeat)."""
    if kind not in NotificationKind.values:
        raise ValidationFailed(details={"kind": ["Unknown notification kind."]})
    if not user.is_active or user.erased_at is not None:
        return None
    in_app, email = channels(user, kind)
    if not (in_app or email):
        return None
    notification = None
    with transaction.atomic():
        if Notification.objects.filter(user=user, kind=kind, ref=ref).exists():
            return None
        try:
            with transaction.atomic():
                notification = Notification.objects.create(user=user, kind=kind, ref=ref, title=title[:200],
                                                           url=url[:300], read_at=None if in_app else timezone.now())
        except IntegrityError:  # a concurrent notify of the same thing won
            return None
        emit("notification.created", {"kind": kind, "in_app": in_app, "by_mail": email}, actor=user)
        if email:
            address = user.email
            transaction.on_commit(lambda: _send_email(address, title, url))
    return notification if in_app else None


def notify_many(users: Iterable[User], kind: str, *, ref: str, title: str, url: str = "") -> int:
    return sum(1 for user in users if notify(user, kind, ref=ref, title=title, url=url) is not None)


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (idempotent). Someone else's is NOT_FOUND."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
        if notification is None:
            raise NotificationNotFound()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            emit("notification.read", {"kind": notification.kind, "count": 1}, actor=user)
    return notification


def mark_all_read(user: User) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        if count:
            page_stamps.touch_viewers([user.pk])  # the header's unread count
            emit("notification.read", {"kind": None, "count": count}, actor=user)
    return count


def set_preferences(user: User, choices: dict[str, dict[str, Any]]) -> list[NotificationPreference]:
    """Save channel choices: ``{kind: {"in_app": bool, "email": bool}}``. Unknown kinds are refused whole."""
    unknown = sorted(set(choices) - set(NotificationKind.values))
    if unknown:
        raise ValidationFailed(details={kind: ["Unknown notification kind."] for kind in unknown})
    saved = []
    with transaction.atomic():
        for kind, chosen in choices.items():
            pref, _ = NotificationPreference.objects.update_or_create(
                user=user, kind=kind,
                defaults={"in_app": bool(chosen.get("in_app")), "email": bool(chosen.get("email"))})
            saved.append(pref)
        audit.record(actor=user, action="account.notification_preferences_changed", obj=user,
                     details={p.kind: {"in_app": p.in_app, "email": p.email} for p in saved})
        emit("account.notification_preferences_changed", {"kinds": sorted(choices)}, actor=user)
    return saved
