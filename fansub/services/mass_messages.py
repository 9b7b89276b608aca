"""Mass messages: a creator writes once to a segment; a Celery task delivers in batches.

Delivery is resumable and idempotent: a recipient row is unique per (mass message, fan), and a
rerun skips fans who already have one, so a crashed or repeated task never sends twice.
"""

from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from fansub.entitlements import live_subscription_q
from fansub.media.models import MediaUse, UseKind
from fansub.media.selectors import attachable_media
from fansub.models import (
    Block,
    Follow,
    MassMessage,
    MassMessageRecipient,
    Message,
    MessageThread,
    MessageUnlock,
    PostPurchase,
    Role,
    Subscription,
    Tier,
    Tip,
    User,
)
from fansub.models.subscriptions import SubscriptionStatus
from payments.money import Money
from telemetry.events import emit

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


def queue(creator: User, *, text: str, segment: str, tier_ids: list[int] | None = None,
          price: Money | None = None, media_ids: tuple[str, ...] = ()) -> MassMessage:
    """Queue a mass message; with a price it is pay-per-view, with media it carries vault items (fans who
    were already sent or sold any of them are skipped, never offered the same item twice)."""
    if creator.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators send mass messages.")
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise ValidationFailed(details={"text": ["Write 1 to 5,000 characters."]})
    if segment not in SEGMENTS:
        raise ValidationFailed(details={"segment": [f"One of {', '.join(SEGMENTS)}."]})
    tier_ids = sorted(set(tier_ids or []))
    if segment == MassMessage.Segment.TIERS:
        owned = Tier.objects.filter(creator=creator, pk__in=tier_ids).count()
        if not tier_ids or owned != len(tier_ids):
            raise ValidationFailed(details={"tier_ids": ["Choose one or more of your tiers."]})
    if price is not None:
        from fansub.services.ppv import check_ppv_price

        check_ppv_price(creator, price)
    items = attachable_media(creator, list(media_ids)) if media_ids else []
    if len(items) != len(set(media_ids)):
        raise ValidationFailed("Attach ready items from your own vault.", code="MEDIA_NOT_ATTACHABLE",
                               details={"media_ids": ["Unknown, not yours, or not processed yet."]})
    from fansub.tasks import deliver_mass_message

    with transaction.atomic():
        mass = MassMessage.objects.create(creator=creator, text=text, segment=segment, tier_ids=tier_ids,
                                          price_minor=price.minor if price else None,
                                          currency=price.currency if price else "",
                                          media_item_ids=[item.pk for item in items])
        emit("message.mass_queued", {"mass_message_id": mass.pk, "segment": segment}, actor=creator)
        transaction.on_commit(lambda: deliver_mass_message.delay(mass.pk))
    return mass


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


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def deliver(mass_message_id: int) -> int:
    """Deliver to every recipient not yet served. Returns how many were delivered by this run."""
    mass = MassMessage.objects.select_related("creator").filter(pk=mass_message_id).first()
    if mass is None:
        raise NotFoundError("No such mass message.")
    if mass.status == MassMessage.Status.SENT:
        return 0
    creator = mass.creator
    done = set(MassMessageRecipient.objects.filter(mass_message=mass).values_list("fan_id", flat=True))
    targets = [fan_id for fan_id in segment_fans(creator, mass.segment, mass.tier_ids) if fan_id not in done]
    if mass.media_item_ids:
        offered = fans_already_offered(creator, mass.media_item_ids)
        skipped = [f for f in targets if f in offered]
        targets = [f for f in targets if f not in offered]
        MassMessage.objects.filter(pk=mass.pk).update(skipped_count=len(skipped))
    MassMessage.objects.filter(pk=mass.pk).update(status=MassMessage.Status.SENDING,
                                                  recipients_total=len(targets) + len(done))
    delivered = 0
    for batch in _chunks(targets, settings.MASS_MESSAGE_BATCH_SIZE):
        delivered += _deliver_batch(mass, creator, batch)
    with transaction.atomic():
        MassMessage.objects.filter(pk=mass.pk).update(status=MassMessage.Status.SENT, completed_at=timezone.now())
        emit("message.mass_sent", {"mass_message_id": mass.pk, "recipients": len(targets) + len(done)},
             actor=creator)
    return delivered


def _deliver_batch(mass: MassMessage, creator: User, fan_ids: list[int]) -> int:
    now = timezone.now()
    with transaction.atomic():
        MessageThread.objects.bulk_create([MessageThread(fan_id=f, creator=creator) for f in fan_ids],
                                          ignore_conflicts=True)
        threads = dict(MessageThread.objects.filter(creator=creator, fan_id__in=fan_ids)
                       .values_list("fan_id", "id"))
        messages = Message.objects.bulk_create([
            Message(thread_id=threads[f], sender=creator, text=mass.text, mass_message=mass,
                    price_minor=mass.price_minor, currency=mass.currency) for f in fan_ids])
        if mass.media_item_ids:
            MediaUse.objects.bulk_create([MediaUse(media_item_id=item, kind=UseKind.MESSAGE, object_id=str(m.pk))
                                          for m in messages for item in mass.media_item_ids])
        MassMessageRecipient.objects.bulk_create([
            MassMessageRecipient(mass_message=mass, fan_id=f, message=m, delivered_at=now)
            for f, m in zip(fan_ids, messages, strict=True)])
        MessageThread.objects.filter(pk__in=threads.values()).update(last_message_at=now, creator_last_read_at=now)
        MassMessage.objects.filter(pk=mass.pk).update(delivered_count=F("delivered_count") + len(fan_ids))
    return len(fan_ids)
