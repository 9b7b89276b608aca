"""Reads for the inbox and threads. A person only ever sees threads they are part of."""

from typing import Any

from django.db.models import CharField, Count, Exists, F, OuterRef, Q
from django.db.models.functions import Cast

from common.errors import NotFoundError
from fansub.accounts.models import User
from fansub.media.models import MediaUse, UseKind
from fansub.media.services import links as media_links
from fansub.messaging.models import MassMessage, Message, MessageThread
from fansub.purchases.models import MessageUnlock
from fansub.verification.policy import can_view_adult
from payments.money import Money


def inbox(user: User) -> list[MessageThread]:
    """The user's threads, newest first, each with its unread count (one query)."""
    mine = Q(fan=user) | Q(creator=user)
    own_read = F("fan_last_read_at") if user.role == "fan" else F("creator_last_read_at")
    unread = Count("messages", filter=~Q(messages__sender=user) & Q(messages__unsent_at__isnull=True)
                   & (Q(messages__created_at__gt=own_read) | Q(**{
                       ("fan_last_read_at" if user.role == "fan" else "creator_last_read_at") + "__isnull": True})))
    return list(MessageThread.objects.filter(mine).filter(last_message_at__isnull=False)
                .select_related("fan", "creator__creator_profile").annotate(unread=unread)
                .order_by("-last_message_at")[:200])


def thread_messages(user: User, thread_id: int, *, before_id: int | None = None, limit: int = 50
                    ) -> tuple[MessageThread, list[Message]]:
    thread = MessageThread.objects.select_related("fan", "creator").filter(pk=thread_id).first()
    if thread is None or not thread.has_participant(user.pk):
        raise NotFoundError("No such conversation.")
    rows = thread.messages.filter(unsent_at__isnull=True).select_related("sender")
    if before_id:
        rows = rows.filter(pk__lt=before_id)
    page = list(rows.order_by("-id")[:limit])
    page.reverse()
    return thread, page


def locked_message_ids(viewer: User, rows: list[Message]) -> set[int]:
    """Paid messages in ``rows`` the viewer has not bought (one query)."""
    paid = [m.pk for m in rows if m.price_minor is not None and m.sender_id != viewer.pk]
    if not paid:
        return set()
    bought = set(MessageUnlock.objects.filter(fan=viewer, message_id__in=paid, revoked_at__isnull=True)
                 .values_list("message_id", flat=True))
    return set(paid) - bought


def hidden_message_ids(viewer: User, rows: list[Message]) -> set[int]:
    """Adult messages in ``rows`` the viewer may not see (their text and media are withheld, like posts)."""
    adult = {m.pk for m in rows if m.is_adult and m.sender_id != viewer.pk}
    if not adult or can_view_adult(viewer):
        return set()
    return adult


def message_media(viewer: User, rows: list[Message], *, locked: set[int], hidden: set[int]
                  ) -> dict[int, list[dict[str, Any]]]:
    """Media per message as this viewer may see it (two queries for the page): a signed final for the sender
    and for a fan who may read the message (bought, when priced); a locked message shows blurred previews;
    an adult message withheld from the viewer shows nothing."""
    attached = media_links.items_for(UseKind.MESSAGE, [m.pk for m in rows if m.pk not in hidden])
    adult_ok = media_links.adult_ok_for(viewer, attached)
    return {m.pk: media_links.media_dicts(viewer, attached.get(m.pk, []), entitled=m.pk not in locked,
                                          adult_ok=adult_ok)
            for m in rows if m.pk not in hidden}


def message_dict(message: Message, *, locked: bool = False, hidden: bool = False,
                 media: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    price = Money(message.price_minor, message.currency) if message.price_minor is not None else None
    return {"id": message.pk, "sender": message.sender.handle,
            "text": None if locked or hidden else message.text, "locked": locked, "adult_hidden": hidden,
            "price": {"amount_minor": price.minor, "currency": price.currency,
                                        "display": price.format()} if price else None,
            "tip_id": message.tip_id, "created_at": message.created_at, "mass": message.mass_message_id is not None,
            "media": media or []}


def recent_mass_messages(creator: User, limit: int = 10) -> list[MassMessage]:
    return list(MassMessage.objects.filter(creator=creator).order_by("-created_at")[:limit])


def priced_message_for_fan(fan: User, message_id: int) -> Message | None:
    """A priced, still-sent message in one of the fan's own threads (what the unlock page sells)."""
    return (Message.objects.select_related("thread", "sender")
            .filter(pk=message_id, unsent_at__isnull=True, thread__fan=fan, price_minor__isnull=False).first())


def library_messages(fan: User, *, limit: int = 200) -> list[Message]:
    """Messages with media that creators sent the fan and the fan may open (free ones and bought ones, not
    adult ones withheld from the fan), newest first, each with ``media`` set: the fan's library of messages."""
    has_media = Exists(MediaUse.objects.filter(kind=UseKind.MESSAGE,
                                               object_id=Cast(OuterRef("pk"), output_field=CharField())))
    rows = list(Message.objects.filter(has_media, thread__fan=fan, unsent_at__isnull=True).exclude(sender=fan)
                .select_related("sender").order_by("-created_at", "-id")[:limit])
    locked, hidden = locked_message_ids(fan, rows), hidden_message_ids(fan, rows)
    rows = [m for m in rows if m.pk not in locked and m.pk not in hidden]
    media = message_media(fan, rows, locked=set(), hidden=set())
    for row in rows:
        row.media = media.get(row.pk, [])
    return rows
