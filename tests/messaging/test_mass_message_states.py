"""Mass messages move queued -> sending -> sent through their table; prices carry their currency."""

import pytest
from django.db import IntegrityError, transaction

from common.errors import InvalidTransition
from fansub.messaging.models import MASS_MESSAGE_TRANSITIONS, MassMessage, Message, MessageThread
from fansub.messaging.services import mass_delivery
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def test_delivery_moves_a_queued_mass_message_to_sent_and_a_sent_one_stays_sent():
    creator = make_creator()
    make_subscription(make_fan(), make_tier(creator))
    mass = MassMessage.objects.create(creator=creator, text="hello", segment="subscribers")
    assert mass_delivery.deliver(mass.pk) == 1
    mass.refresh_from_db()
    assert mass.status == "sent" and mass.completed_at is not None
    assert mass_delivery.deliver(mass.pk) == 0
    with pytest.raises(InvalidTransition):
        MASS_MESSAGE_TRANSITIONS.move(mass, "sending")
    with pytest.raises(InvalidTransition):
        MASS_MESSAGE_TRANSITIONS.check("queued", "sent")  # never sent without a delivery run


def test_the_database_refuses_a_bad_status_and_a_price_without_currency():
    creator = make_creator()
    with pytest.raises(IntegrityError), transaction.atomic():
        MassMessage.objects.create(creator=creator, text="x", segment="subscribers", status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        MassMessage.objects.create(creator=creator, text="x", segment="subscribers", price_minor=500)
    with pytest.raises(IntegrityError), transaction.atomic():
        MassMessage.objects.create(creator=creator, text="x", segment="subscribers", currency="USD")
    thread = MessageThread.objects.create(fan=make_fan(), creator=creator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(thread=thread, sender=creator, text="x", price_minor=300)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(thread=thread, sender=creator, text="x", currency="USD")
    Message.objects.create(thread=thread, sender=creator, text="x", price_minor=0, currency="USD")
    Message.objects.create(thread=thread, sender=creator, text="x")
