"""Mass messages: a creator writes once to a segment; a Celery task delivers in batches.

Delivery is resumable and idempotent: a recipient row is unique per (mass message, fan), and a
rerun skips fans who already have one, so a crashed or repeated task never sends twice.
"""


from django.db import transaction

from common.errors import MediaNotAttachable, PermissionDeniedError, ValidationFailed
from fansub.accounts.models import Role, User
from fansub.media.selectors import attachable_media
from fansub.messaging.models import MassMessage
from fansub.messaging.segments import SEGMENTS
from fansub.messaging.tasks import deliver_mass_message
from fansub.offers.models import Tier
from fansub.purchases.services.ppv import check_ppv_price
from fansub.verification.services import performers
from payments.money import Money
from telemetry.events import emit


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

        check_ppv_price(creator, price)
    items = attachable_media(creator, list(media_ids)) if media_ids else []
    if len(items) != len(set(media_ids)):
        raise MediaNotAttachable("Attach ready items from your own vault.",
                               details={"media_ids": ["Unknown, not yours, or not processed yet."]})
    performers.require_sender_records(creator, items)
    with transaction.atomic():
        mass = MassMessage.objects.create(creator=creator, text=text, segment=segment, tier_ids=tier_ids,
                                          price_minor=price.minor if price else None,
                                          currency=price.currency if price else "",
                                          media_item_ids=[item.pk for item in items])
        emit("message.mass_queued", {"mass_message_id": mass.pk, "segment": segment}, actor=creator)
        transaction.on_commit(lambda: deliver_mass_message.delay(mass.pk))
    return mass
