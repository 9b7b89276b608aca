"""Direct messages: who may write to whom, sending, read state, rate limits."""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from common import trust
from common.errors import (
    Blocked,
    MessagingNotAllowed,
    NotFoundError,
    PermissionDeniedError,
    RateLimited,
    ValidationFailed,
)
from fansub.accounts.models import Follow, Role, User
from fansub.accounts.services.social import is_blocked_between
from fansub.media.models import UseKind
from fansub.media.services import links as media_links
from fansub.messaging.models import Message, MessageThread
from fansub.posts.entitlements import live_subscription_q
from fansub.subscriptions.models import Subscription
from fansub.verification.services import performers
from telemetry.events import emit


def _check_rate(sender: User) -> None:
    key = f"msg-rate:{sender.pk}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 120)
        count = 1
    if count > settings.MESSAGE_RATE_PER_MINUTE:
        raise RateLimited("You are sending messages too fast.", details={"limit_per_minute":
                                                                         settings.MESSAGE_RATE_PER_MINUTE})


def may_fan_message(fan: User, creator: User) -> bool:
    policy = creator.creator_profile.message_policy
    if policy == "anyone":
        return True
    subscribed = Subscription.objects.filter(live_subscription_q(timezone.now()), fan=fan, creator=creator).exists()
    if policy == "subscribers":
        return subscribed
    return subscribed or Follow.objects.filter(fan=fan, creator=creator).exists()


def thread_between(fan: User, creator: User) -> MessageThread:
    try:
        with transaction.atomic():
            thread, _ = MessageThread.objects.get_or_create(fan=fan, creator=creator)
    except IntegrityError:
        thread = MessageThread.objects.get(fan=fan, creator=creator)
    return thread


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(details={"text": ["Write a message."]})
    if len(text) > 5000:
        raise ValidationFailed(details={"text": ["At most 5,000 characters."]})
    return text


def start_conversation(sender: User, other: User, text: str) -> Message:
    """A fan writes to a creator, or a creator to one of their fans (a follower or subscriber)."""
    if sender.role == Role.FAN and other.role == Role.CREATOR:
        fan, creator = sender, other
        if not may_fan_message(fan, creator):
            raise MessagingNotAllowed(details={"policy": creator.creator_profile.message_policy})
    elif sender.role == Role.CREATOR and other.role == Role.FAN:
        fan, creator = other, sender
        related = (Follow.objects.filter(fan=fan, creator=creator).exists()
                   or Subscription.objects.filter(fan=fan, creator=creator).exists()
                   or MessageThread.objects.filter(fan=fan, creator=creator).exists())
        if not related:
            raise MessagingNotAllowed("You can message your followers and subscribers.")
    else:
        raise PermissionDeniedError("Messages are between a fan and a creator.")
    if is_blocked_between(fan, creator):
        raise Blocked()
    return send(sender, thread_between(fan, creator).pk, text)


def _thread_for(user: User, thread_id: int) -> MessageThread:
    thread = MessageThread.objects.filter(pk=thread_id).first()
    if thread is None or not thread.has_participant(user.pk):
        raise NotFoundError("No such conversation.")  # never confirm that another pair's thread exists
    return thread


def sender_is_adult(sender: User) -> bool:
    """Messages from an adult creator are adult, like their posts."""
    if sender.role != Role.CREATOR:
        return False
    profile = getattr(sender, "creator_profile", None)
    return bool(profile and profile.is_adult)


def send(sender: User, thread_id: int, text: str, *, media_ids: tuple[str, ...] = ()) -> Message:
    """Send a message; a creator may attach items from their vault (a fan has none to attach).

    Gates on every message, not only the first: a fan writes only while the creator's "who may message me"
    policy lets them (MESSAGING_NOT_ALLOWED); adult media needs the sender's records (PERFORMER_RECORD_MISSING);
    the message is marked adult when its sender is an adult creator or it carries adult media."""
    text = _clean_text(text)
    thread = _thread_for(sender, thread_id)
    if is_blocked_between(thread.fan_id, thread.creator_id):
        raise Blocked()
    if sender.pk == thread.fan_id:
        creator = thread.creator
        if not may_fan_message(sender, creator):
            raise MessagingNotAllowed(details={"policy": creator.creator_profile.message_policy})
    _check_rate(sender)
    hold = trust.screen_text(trust.MESSAGE, text, author=sender)  # CONTENT_REFUSED, or delivered and queued
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(thread=thread, sender=sender, text=text, is_adult=sender_is_adult(sender))
        if hold is not None:
            hold.queue(message.pk, sender)
        if media_ids:
            items = media_links.attach(sender, UseKind.MESSAGE, message.pk, media_ids)
            performers.require_sender_records(sender, items)
            if any(item.is_adult for item in items) and not message.is_adult:
                message.is_adult = True
                message.save(update_fields=["is_adult"])
        read_field = "fan_last_read_at" if sender.pk == thread.fan_id else "creator_last_read_at"
        MessageThread.objects.filter(pk=thread.pk).update(last_message_at=now, **{read_field: now})
        emit("message.sent", {"thread_id": thread.pk, "message_id": message.pk, "kind": "direct",
                              "sender_role": "fan" if sender.pk == thread.fan_id else "creator"}, actor=sender)
    return message


def mark_read(user: User, thread_id: int) -> None:
    thread = _thread_for(user, thread_id)
    field = "fan_last_read_at" if user.pk == thread.fan_id else "creator_last_read_at"
    MessageThread.objects.filter(pk=thread.pk).update(**{field: timezone.now()})


def set_message_policy(creator: User, policy: str) -> None:
    if creator.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators set who may message them.")
    if policy not in {"anyone", "followers", "subscribers"}:
        raise ValidationFailed(details={"policy": ["anyone, followers or subscribers."]})
    creator.creator_profile.message_policy = policy
    creator.creator_profile.save(update_fields=["message_policy", "updated_at"])
