"""Delivering a queued mass message in database batches (run by a Celery task).

The gates are checked again at delivery, for every batch, not only when the message was composed: the sender's
performer records for adult media and, for a priced message, that the sender is a verified seller — a gate that
no longer holds stops the delivery (``halted``, with the error code, an audit row and an event); and an adult
message reaches only the fans of the batch who may see adult content right then (age assurance met, safe mode
off) — the others are skipped and counted (``gated_count``), not sent.
"""


from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.errors import DomainError, NotFoundError
from fansub.accounts.models import User
from fansub.media.models import MediaItem, MediaUse, UseKind
from fansub.messaging.models import MASS_MESSAGE_TRANSITIONS, MassMessage, MassMessageRecipient, Message, MessageThread
from fansub.messaging.segments import fans_already_offered, segment_fans
from fansub.verification.policy import can_view_adult
from fansub.verification.services import performers
from fansub.verification.services.creator_verification import require_verified_creator
from governance.services import audit
from telemetry.events import emit


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def deliver(mass_message_id: int) -> int:
    """Deliver to every recipient not yet served. Returns how many were delivered by this run."""
    mass = MassMessage.objects.select_related("creator").filter(pk=mass_message_id).first()
    if mass is None:
        raise NotFoundError("No such mass message.")
    if mass.status in (MassMessage.Status.SENT, MassMessage.Status.HALTED):
        return 0
    creator = mass.creator
    done = set(MassMessageRecipient.objects.filter(mass_message=mass).values_list("fan_id", flat=True))
    targets = [fan_id for fan_id in segment_fans(creator, mass.segment, mass.tier_ids) if fan_id not in done]
    if mass.media_item_ids:
        offered = fans_already_offered(creator, mass.media_item_ids)
        skipped = [f for f in targets if f in offered]
        targets = [f for f in targets if f not in offered]
        MassMessage.objects.filter(pk=mass.pk).update(skipped_count=len(skipped))
    MASS_MESSAGE_TRANSITIONS.move(mass, MassMessage.Status.SENDING)
    MassMessage.objects.filter(pk=mass.pk).update(status=mass.status, recipients_total=len(targets) + len(done))
    delivered = 0
    for batch in _chunks(targets, settings.MASS_MESSAGE_BATCH_SIZE):
        try:
            delivered += deliver_batch(mass, creator, batch)
        except DomainError as refused:
            _halt(mass, creator, refused, delivered)
            return delivered
    with transaction.atomic():
        MASS_MESSAGE_TRANSITIONS.move(mass, MassMessage.Status.SENT)
        MassMessage.objects.filter(pk=mass.pk).update(status=mass.status, completed_at=timezone.now())
        emit("message.mass_sent", {"mass_message_id": mass.pk, "recipients": len(targets) + len(done)},
             actor=creator)
    return delivered


def _is_adult(mass: MassMessage, creator: User) -> bool:
    profile = getattr(creator, "creator_profile", None)
    if profile is not None and profile.is_adult:
        return True
    return bool(mass.media_item_ids) and MediaItem.objects.filter(pk__in=mass.media_item_ids, is_adult=True).exists()


def require_delivery_gates(mass: MassMessage, creator: User) -> None:
    """The sender-side gates, as they stand now: raises the domain error of the first that no longer holds."""
    items = list(MediaItem.objects.filter(pk__in=mass.media_item_ids)) if mass.media_item_ids else []
    performers.require_sender_records(creator, items)
    if mass.price_minor is not None:
        require_verified_creator(creator)


def _may_receive_adult(fan_ids: list[int]) -> list[int]:
    fans = User.objects.filter(pk__in=fan_ids).select_related("fan_profile")
    allowed = {fan.pk for fan in fans if can_view_adult(fan)}
    return [f for f in fan_ids if f in allowed]


def _halt(mass: MassMessage, creator: User, refused: DomainError, delivered: int) -> None:
    with transaction.atomic():
        mass = MassMessage.objects.select_for_update().get(pk=mass.pk)
        MASS_MESSAGE_TRANSITIONS.move(mass, MassMessage.Status.HALTED)
        mass.halt_reason = refused.code[:40]
        mass.completed_at = timezone.now()
        mass.save(update_fields=["status", "halt_reason", "completed_at"])
        audit.record(actor=None, action="mass_message.halted", obj=mass, reason=refused.code)
        emit("message.mass_halted", {"mass_message_id": mass.pk, "reason": refused.code, "delivered": delivered},
             actor=creator)


def deliver_batch(mass: MassMessage, creator: User, fan_ids: list[int]) -> int:
    """One batch: the sender's gates re-checked first (raises if one no longer holds); an adult message goes
    only to the fans who may see adult content now."""
    now = timezone.now()
    require_delivery_gates(mass, creator)
    adult = _is_adult(mass, creator)
    if adult:
        allowed = _may_receive_adult(fan_ids)
        if len(allowed) != len(fan_ids):
            MassMessage.objects.filter(pk=mass.pk).update(gated_count=F("gated_count") + len(fan_ids) - len(allowed))
        fan_ids = allowed
    if not fan_ids:
        return 0
    with transaction.atomic():
        MessageThread.objects.bulk_create([MessageThread(fan_id=f, creator=creator) for f in fan_ids],
                                          ignore_conflicts=True)
        threads = dict(MessageThread.objects.filter(creator=creator, fan_id__in=fan_ids)
                       .values_list("fan_id", "id"))
        messages = Message.objects.bulk_create([
            Message(thread_id=threads[f], sender=creator, text=mass.text, mass_message=mass,
                    price_minor=mass.price_minor, currency=mass.currency, is_adult=adult) for f in fan_ids])
        if mass.media_item_ids:
            MediaUse.objects.bulk_create([MediaUse(media_item_id=item, kind=UseKind.MESSAGE, object_id=str(m.pk))
                                          for m in messages for item in mass.media_item_ids])
        MassMessageRecipient.objects.bulk_create([
            MassMessageRecipient(mass_message=mass, fan_id=f, message=m, delivered_at=now)
            for f, m in zip(fan_ids, messages, strict=True)])
        MessageThread.objects.filter(pk__in=threads.values()).update(last_message_at=now, creator_last_read_at=now)
        MassMessage.objects.filter(pk=mass.pk).update(delivered_count=F("delivered_count") + len(fan_ids))
    return len(fan_ids)
