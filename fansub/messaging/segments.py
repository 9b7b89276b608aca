"""Who a mass message reaches: segments of a creator's fans (reads only)."""



from django.db.models import Q, QuerySet
from django.utils import timezone

from common.errors import ValidationFailed
from fansub.accounts.models import Block, Follow, User
from fansub.media.models import MediaUse, UseKind
from fansub.messaging.models import MassMessage, Message
from fansub.posts.entitlements import live_subscription_q
from fansub.purchases.models import MessageUnlock, PostPurchase, Tip
from fansub.subscriptions.models import Subscription, SubscriptionStatus

SEGMENTS = [choice for choice, _ in MassMessage.Segment.choices]


def segment_fans(creator: User, segment: str, tier_ids: list[int] | None = None) -> QuerySet:
    """Fan ids in a segment, without anyone blocked either way."""
    now = timezone.now()
    live = Subscription.objects.filter(live_subscription_q(now), creator=creator)
    if segment == MassMessage.Segment.SUBSCRIBERS:
        fans = live.values("fan_id")
    elif segment == MassMessage.Segment.TIERS:
        fans = live.filter(tier_id__in=tier_ids or []).values("fan_id")
    elif segment == MassMessage.Segment.FOLLOWERS:
        fans = Follow.objects.filter(creator=creator).values("fan_id")
    elif segment == MassMessage.Segment.EXPIRED:
        fans = (Subscription.objects.filter(creator=creator, status=SubscriptionStatus.EXPIRED)
                .exclude(fan_id__in=live.values("fan_id")).values("fan_id"))
    elif segment == MassMessage.Segment.BUYERS:  # anyone who tipped or bought pay-per-view from this creator
        buyers = (Q(pk__in=PostPurchase.objects.filter(post__creator=creator).values("fan_id"))
                  | Q(pk__in=Tip.objects.filter(creator=creator, status=Tip.Status.SUCCEEDED).values("fan_id"))
                  | Q(pk__in=MessageUnlock.objects.filter(message__sender=creator).values("fan_id")))
        return (User.objects.filter(buyers, is_active=True).exclude(pk__in=_blocked(creator))
                .values_list("pk", flat=True))
    else:
        raise ValidationFailed(details={"segment": [f"One of {', '.join(SEGMENTS)}."]})
    return (User.objects.filter(pk__in=fans, is_active=True).exclude(pk__in=_blocked(creator))
            .values_list("pk", flat=True))



def _blocked(creator: User) -> QuerySet:
    return (Block.objects.filter(blocker=creator).values("blocked_id")
            .union(Block.objects.filter(blocked=creator).values("blocker_id")))


def segment_counts(creator: User, tier_ids: list[int] | None = None) -> dict[str, int]:
    return {segment: segment_fans(creator, segment, tier_ids).count() for segment in SEGMENTS}


def fans_already_offered(creator: User, media_item_ids: list[int]) -> set[int]:
    """Fans who were sent any of these items in a message, or bought a post carrying one (three queries)."""
    message_ids = MediaUse.objects.filter(kind=UseKind.MESSAGE, media_item_id__in=media_item_ids).values_list(
        "object_id", flat=True)
    sent = set(Message.objects.filter(pk__in=[int(i) for i in message_ids], thread__creator=creator,
                                      unsent_at__isnull=True).values_list("thread__fan_id", flat=True))
    post_ids = MediaUse.objects.filter(kind=UseKind.POST, media_item_id__in=media_item_ids).values_list(
        "object_id", flat=True)
    bought = set(PostPurchase.objects.filter(post_id__in=[int(i) for i in post_ids], revoked_at__isnull=True)
                 .values_list("fan_id", flat=True))
    return sent | bought
