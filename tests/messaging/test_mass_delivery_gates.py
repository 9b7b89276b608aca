"""Issue 10, gate 4: mass-message delivery re-checks performer records, the verified seller and the adult gates
at delivery time, per recipient batch — not only when the message was composed."""

import hashlib
import itertools

import pytest

from fansub.accounts.models import User
from fansub.accounts.services import accounts
from fansub.media.models import MediaItem
from fansub.messaging.models import MassMessage, MassMessageRecipient
from fansub.messaging.services import mass_delivery, mass_messages
from fansub.verification.models import AgeCheck, IdentityVerification
from fansub.verification.services import age_assurance
from governance.models import AuditLog
from payments.money import Money
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_subscription, make_tier
from tests.verification.support import signed

pytestmark = pytest.mark.django_db
_seq = itertools.count()


def _adult_item(creator) -> MediaItem:
    return MediaItem.objects.create(creator=creator, kind="image", state="ready", is_adult=True, source_format="png",
                                    size_bytes=10, sha256=hashlib.sha256(f"mass{next(_seq)}".encode()).hexdigest())


def _adult_fan() -> User:
    fan = make_fan(country="GB")
    started = age_assurance.start_check(fan, "photo_id_match")
    body, signature = signed(started.check.provider_reference, "passed", "photo_id_match")
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    accounts.update_fan_profile(fan, safe_mode=False)
    return User.objects.get(pk=fan.pk)


def _queued(creator, **kwargs) -> MassMessage:
    mass = mass_messages.queue(creator, text="for my subscribers", segment="subscribers", **kwargs)
    return MassMessage.objects.get(pk=mass.pk)


def _recipients(mass) -> set[int]:
    return set(MassMessageRecipient.objects.filter(mass_message=mass).values_list("fan_id", flat=True))


def test_mass_message_delivery_rechecks_performer_records_per_batch(settings, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    settings.MASS_MESSAGE_BATCH_SIZE = 1
    creator = make_creator(verified=True)
    tier = make_tier(creator)
    fans = [_adult_fan() for _ in range(3)]
    for fan in fans:
        make_subscription(fan, tier)
    item = _adult_item(creator)
    with django_capture_on_commit_callbacks(execute=False):  # deliver below, by hand
        mass = _queued(creator, media_ids=(str(item.public_id),))
    real = mass_delivery.deliver_batch

    def batch_then_lapse(mass_, sender, fan_ids):
        done = real(mass_, sender, fan_ids)
        IdentityVerification.objects.filter(user=creator).update(status="expired")  # records lapse mid-run
        return done

    monkeypatch.setattr(mass_delivery, "deliver_batch", batch_then_lapse)
    assert mass_delivery.deliver(mass.pk) == 1  # the first batch went; the second found the records gone
    mass.refresh_from_db()
    assert mass.status == "halted" and mass.halt_reason == "PERFORMER_RECORD_MISSING"
    assert len(_recipients(mass)) == 1 and mass.completed_at is not None
    assert OutboxEvent.objects.filter(event_type="message.mass_halted").count() == 1
    assert AuditLog.objects.filter(action="mass_message.halted", object_id=str(mass.pk)).exists()
    assert mass_delivery.deliver(mass.pk) == 0  # a halted mass message is never resumed


def test_mass_message_with_adult_media_is_not_delivered_when_records_lapsed_after_composing(
        django_capture_on_commit_callbacks):
    creator = make_creator(verified=True)
    make_subscription(_adult_fan(), make_tier(creator))
    item = _adult_item(creator)
    with django_capture_on_commit_callbacks(execute=False):
        mass = _queued(creator, media_ids=(str(item.public_id),))
    IdentityVerification.objects.filter(user=creator).update(status="expired")
    assert mass_delivery.deliver(mass.pk) == 0
    mass.refresh_from_db()
    assert mass.status == "halted" and _recipients(mass) == set()


def test_priced_mass_message_stops_when_the_seller_is_no_longer_verified(django_capture_on_commit_callbacks):
    creator = make_creator(verified=True)
    make_subscription(make_fan(), make_tier(creator))
    with django_capture_on_commit_callbacks(execute=False):
        mass = _queued(creator, price=Money(500, "USD"))
    IdentityVerification.objects.filter(user=creator).update(status="expired")
    assert mass_delivery.deliver(mass.pk) == 0
    mass.refresh_from_db()
    assert mass.status == "halted" and mass.halt_reason == "CREATOR_NOT_VERIFIED"


def test_adult_mass_message_skips_fans_who_may_not_see_adult_content_at_delivery(
        settings, django_capture_on_commit_callbacks):
    settings.MASS_MESSAGE_BATCH_SIZE = 2
    creator = make_creator(adult=True, verified=True)
    tier = make_tier(creator)
    ok, lapsed, safe = _adult_fan(), _adult_fan(), make_fan(country="GB")
    for fan in (ok, lapsed, safe):
        make_subscription(fan, tier)
    with django_capture_on_commit_callbacks(execute=False):
        mass = _queued(creator)
    AgeCheck.objects.filter(user=lapsed).update(status="expired")  # lapsed between composing and delivery
    assert mass_delivery.deliver(mass.pk) == 1
    mass.refresh_from_db()
    assert mass.status == "sent" and _recipients(mass) == {ok.pk}
    assert mass.gated_count == 2


def test_safe_mass_message_reaches_every_fan(django_capture_on_commit_callbacks):
    creator = make_creator()
    tier = make_tier(creator)
    fans = [make_fan(), make_fan()]
    for fan in fans:
        make_subscription(fan, tier)
    with django_capture_on_commit_callbacks(execute=False):
        mass = _queued(creator)
    assert mass_delivery.deliver(mass.pk) == 2
    mass.refresh_from_db()
    assert mass.status == "sent" and mass.gated_count == 0
