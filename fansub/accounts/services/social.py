"""Follows and blocks."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import Blocked, CannotFollowSelf, InvalidBlock, NotACreator, PermissionDeniedError
from fansub.accounts.models import Block, Follow, Role, User
from fansub.subscriptions.models import SUBSCRIPTION_TRANSITIONS, Subscription, SubscriptionStatus
from governance.services import audit
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def is_blocked_between(a: User | int, b: User | int) -> bool:
    """Either account blocked the other (users or their ids)."""
    return Block.objects.filter(blocker__in=[a, b], blocked__in=[a, b]).exists()


def follow(fan: User, creator: User) -> Follow:
    if creator.role != Role.CREATOR:
        raise NotACreator("Only creators can be followed.")
    if fan.pk == creator.pk:
        raise CannotFollowSelf("You cannot follow yourself.")
    if is_blocked_between(fan, creator):
        raise Blocked()
    try:
        with transaction.atomic():
            row, created = Follow.objects.get_or_create(fan=fan, creator=creator)
            if created:
                emit("social.followed", {"creator_id": pseudonym("user", creator.pk)}, actor=fan)
    except IntegrityError:  # a concurrent duplicate follow: the first one stands
        row = Follow.objects.get(fan=fan, creator=creator)
    return row


def unfollow(fan: User, creator: User) -> None:
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(fan=fan, creator=creator).delete()
        if deleted:
            emit("social.unfollowed", {"creator_id": pseudonym("user", creator.pk)}, actor=fan)


def block(blocker: User, blocked: User, *, reason: str = "") -> Block:
    """Block an account. A creator blocking a subscriber ends the subscription at period end,
    keeps the fan's past purchases, and refunds nothing automatically."""
    if blocker.pk == blocked.pk:
        raise InvalidBlock("You cannot block yourself.")
    if blocked.is_staff:
        raise PermissionDeniedError("Staff accounts cannot be blocked.")
    with transaction.atomic():
        row, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if not created:
            return row
        Follow.objects.filter(fan=blocked, creator=blocker).delete()
        Follow.objects.filter(fan=blocker, creator=blocked).delete()
        for sub in Subscription.objects.select_for_update().filter(
                fan__in=[blocked, blocker], creator__in=[blocker, blocked],
                status__in=[SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE]):
            SUBSCRIPTION_TRANSITIONS.move(sub, SubscriptionStatus.CANCELED)
            sub.renews = False
            sub.end_reason = "blocked"
            sub.save(update_fields=["status", "renews", "end_reason", "updated_at"])
            emit("subscription.canceled", {"subscription_id": sub.pk, "tier_id": sub.tier_id,
                                           "reason": "blocked",
                                           "effective_at": sub.current_period_end.isoformat()}, actor=blocker)
        audit.record(actor=blocker, action="social.block", obj=row, reason=reason[:500])
        emit("social.blocked", {"blocked_id": pseudonym("user", blocked.pk)}, actor=blocker)
    return row


def unblock(blocker: User, blocked: User) -> None:
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        if deleted:
            audit.record(actor=blocker, action="social.unblock", object_type="accounts.block",
                         object_id=f"{blocker.pk}:{blocked.pk}", details={"at": timezone.now().isoformat()})
