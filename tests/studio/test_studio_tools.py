"""Studio tools: promotions and trial links (create, pause/resume, claims), the vault (thumbnails and filters),
priced one-to-one and mass messages with media and segment counts, and the watermark style setting."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import InvalidTransition, NotFoundError, PermissionDeniedError, ValidationFailed
from fansub.accounts.models import Follow
from fansub.media.models import Delivery
from fansub.media.services import signing
from fansub.messaging.models import MassMessage, Message, MessageThread
from fansub.offers.models import Promotion, TrialLink
from fansub.offers.services import promotions
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.studio.models import StudioSettings
from fansub.studio.services import settings as studio_settings
from governance.models import AuditLog
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def _local(dt):
    return dt.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def creator():
    return make_creator(country="US", verified=True)


# --- promotions and trial links ------------------------------------------------------------------------
def test_create_pause_resume_a_promotion_and_see_its_claims(client, creator):
    tier = make_tier(creator, name="Gold", price_minor=1000)
    client.force_login(creator)
    now = timezone.now()
    r = client.post("/studio/offers/", {"action": "promotion", "tier_id": tier.pk, "kind": "percent_off",
                                        "percent_off": "30", "periods": "2", "max_claims": "50", "for_new": "on",
                                        "starts_at": _local(now - timedelta(hours=1)),
                                        "ends_at": _local(now + timedelta(days=3))})
    assert r.status_code == 302
    promo = Promotion.objects.get(creator=creator)
    assert promo.percent_off == 30 and promo.periods == 2 and promo.is_active
    fan = make_fan()
    make_subscription(fan, tier, promotion=promo)
    page = client.get("/studio/offers/").content.decode()
    assert promo.code in page and "running" in page and f"@{fan.handle}" in page  # who claimed it
    client.post("/studio/offers/", {"action": "pause", "offer": "promotion", "offer_id": promo.pk})
    promo.refresh_from_db()
    assert not promo.is_active
    assert AuditLog.objects.filter(action="offers.promotion_paused").count() == 1
    assert OutboxEvent.objects.filter(event_type="subscription.offer_paused").count() == 1
    replay = client.post("/studio/offers/", {"action": "pause", "offer": "promotion", "offer_id": promo.pk})
    assert "already paused" in replay.content.decode()  # a replay is refused, not silently repeated
    client.post("/studio/offers/", {"action": "resume", "offer": "promotion", "offer_id": promo.pk})
    promo.refresh_from_db()
    assert promo.is_active and OutboxEvent.objects.filter(event_type="subscription.offer_resumed").count() == 1


def test_promotion_refusals(client, creator):
    tier = make_tier(creator, price_minor=1000)
    client.force_login(creator)
    now = timezone.now()
    page = client.post("/studio/offers/", {"action": "promotion", "tier_id": tier.pk, "kind": "fixed_price",
                                           "fixed_price": "50.00", "max_claims": "5",
                                           "starts_at": _local(now), "ends_at": _local(now - timedelta(days=1))})
    text = page.content.decode()
    assert page.status_code == 200 and "less than" in text and "end after it starts" in text
    assert "Give the promotion a start" in client.post("/studio/offers/", {
        "action": "promotion", "tier_id": tier.pk, "kind": "percent_off", "percent_off": "10",
        "max_claims": "5"}).content.decode()
    assert "A whole number." in client.post("/studio/offers/", {"action": "pause", "offer": "promotion",
                                                                 "offer_id": "x"}).content.decode()
    assert not Promotion.objects.exists()


def test_trial_links_create_and_pause_and_only_the_owner(client, creator):
    tier = make_tier(creator, price_minor=800)
    client.force_login(creator)
    r = client.post("/studio/offers/", {"action": "trial_link", "tier_id": tier.pk, "days": "7",
                                        "max_claims": "20",
                                        "expires_at": _local(timezone.now() + timedelta(days=30))})
    assert r.status_code == 302
    link = TrialLink.objects.get(creator=creator)
    assert link.code in client.get("/studio/offers/").content.decode()
    assert OutboxEvent.objects.filter(event_type="subscription.offer_created").count() == 1
    assert "Between 1 and 90 days." in client.post("/studio/offers/", {
        "action": "trial_link", "tier_id": tier.pk, "days": "365", "max_claims": "1",
        "expires_at": _local(timezone.now() + timedelta(days=3))}).content.decode()
    other = make_creator(country="US", verified=True)
    with pytest.raises(NotFoundError):
        promotions.set_offer_active(other, "trial_link", link.pk, active=False)
    with pytest.raises(ValidationFailed):
        promotions.set_offer_active(creator, "coupon", link.pk, active=False)
    promotions.set_offer_active(creator, "trial_link", link.pk, active=False)
    with pytest.raises(InvalidTransition):
        promotions.set_offer_active(creator, "trial_link", link.pk, active=False)
    client.force_login(make_fan())
    assert client.get("/studio/offers/").status_code == 404


# --- vault ---------------------------------------------------------------------------------------------
def test_vault_shows_thumbnails_and_filters_by_use_type_and_date(client, creator, upload_image):
    used, unused = upload_image(creator, seed=1), upload_image(creator, seed=2)
    posts.create_post(creator, PostInput(text="x", audience=AudienceSpec(public=True),
                                         media_ids=(str(used.public_id),)))
    client.force_login(creator)
    page = client.get("/studio/vault/").content.decode()
    assert f"/media/p/{used.public_id}/thumbnail/" in page and f"/media/p/{unused.public_id}/thumbnail/" in page
    only_unused = client.get("/studio/vault/?used=unused").content.decode()
    assert str(unused.public_id) in only_unused and str(used.public_id) not in only_unused
    only_used = client.get("/studio/vault/?used=used").content.decode()
    assert str(used.public_id) in only_used and str(unused.public_id) not in only_used
    assert str(used.public_id) not in client.get("/studio/vault/?kind=video").content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert str(used.public_id) not in client.get(f"/studio/vault/?since={tomorrow}").content.decode()
    assert "A date as YYYY-MM-DD." in client.get("/studio/vault/?since=someday").content.decode()
    thumb = client.get(f"/media/p/{used.public_id}/thumbnail/")
    assert thumb.status_code == 200  # the owner's thumbnail is delivered
    client.force_login(make_creator())
    assert str(used.public_id) not in client.get("/studio/vault/").content.decode()


# --- messages ------------------------------------------------------------------------------------------
def test_priced_message_with_vault_media(client, creator, upload_image):
    item = upload_image(creator)
    fan = make_fan()
    thread = MessageThread.objects.create(fan=fan, creator=creator, last_message_at=timezone.now())
    client.force_login(creator)
    page = client.get("/studio/priced-message/").content.decode()
    assert f"@{fan.handle}" in page and str(item.public_id) in page
    chosen = client.get(f"/studio/priced-message/?thread={thread.pk}").content.decode()
    assert f'<option value="{thread.pk}" selected>' in chosen
    assert "Between" in client.post("/studio/priced-message/", {"thread_id": thread.pk, "text": "a set",
                                                                 "price": "0.10"}).content.decode()
    assert "needs a price" in client.post("/studio/priced-message/", {"thread_id": thread.pk,
                                                                       "text": "a set"}).content.decode()
    r = client.post("/studio/priced-message/", {"thread_id": thread.pk, "text": "a set", "price": "9.99",
                                                "media": [str(item.public_id)]})
    assert r.status_code == 302 and r["Location"] == f"/messages/{thread.pk}/"
    message = Message.objects.get(thread=thread)
    assert message.price_minor == 999 and message.currency == "USD"
    again = client.post("/studio/priced-message/", {"thread_id": thread.pk, "text": "again", "price": "9.99",
                                                    "media": [str(item.public_id)]}).content.decode()
    assert Message.objects.filter(thread=thread).count() == 1 and "form-errors" in again  # never offered twice
    other_thread = MessageThread.objects.create(fan=fan, creator=make_creator(verified=True))
    assert "No such conversation." in client.post("/studio/priced-message/", {
        "thread_id": other_thread.pk, "text": "x", "price": "5.00"}).content.decode()


def test_mass_message_with_price_media_and_segment_counts(client, creator, upload_image,
                                                          django_capture_on_commit_callbacks):
    item = upload_image(creator)
    gold, silver = make_tier(creator, name="Gold"), make_tier(creator, name="Silver")
    fans = [make_fan() for _ in range(3)]
    make_subscription(fans[0], gold)
    make_subscription(fans[1], silver)
    Follow.objects.create(fan=fans[2], creator=creator)
    client.force_login(creator)
    page = client.get("/studio/mass-message/").content.decode()
    assert '<span data-segment="subscribers">2</span>' in page
    assert f'<span data-segment="tier-{gold.pk}">1</span>' in page
    assert '<span data-segment="followers">1</span>' in page and str(item.public_id) in page
    assert "Between" in client.post("/studio/mass-message/", {"segment": "subscribers", "text": "hi",
                                                               "price": "999999"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/studio/mass-message/", {"segment": "tiers", "tier_ids": [gold.pk], "text": "gold only",
                                                  "price": "4.00", "media": [str(item.public_id)]})
    assert r.status_code == 302
    mass = MassMessage.objects.get()
    assert mass.price_minor == 400 and mass.media_item_ids == [item.pk] and mass.tier_ids == [gold.pk]
    assert Message.objects.filter(mass_message=mass, thread__fan=fans[0], price_minor=400).exists()
    assert not Message.objects.filter(mass_message=mass, thread__fan=fans[1]).exists()
    assert "$4.00" in client.get("/studio/mass-message/").content.decode()


# --- watermark style -----------------------------------------------------------------------------------
def test_watermark_style_setting_is_honoured_by_delivery(client, creator, upload_image,
                                                         django_capture_on_commit_callbacks):
    from fansub.media.services import watermarking

    item = upload_image(creator)
    tier = make_tier(creator)
    posts.create_post(creator, PostInput(text="p", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                         media_ids=(str(item.public_id),)))
    fan = make_fan()
    make_subscription(fan, tier)
    url = reverse("media-signed", kwargs={"token": signing.sign(fan.pk, item.pk, "final")})
    styles = []
    real = watermarking.render_final

    def spy(final, **kwargs):
        styles.append(kwargs.get("style"))
        return real(final, **kwargs)

    with mock.patch.object(watermarking, "render_final", side_effect=spy):
        client.force_login(fan)
        assert client.get(url).status_code == 200
        client.force_login(creator)
        assert 'value="tiled" checked' in client.get("/studio/settings/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/studio/settings/", {"watermark_style": "corner"}).status_code == 302
        assert Delivery.objects.get(viewer=fan).cached_key == ""  # the old copy is dropped
        client.force_login(fan)
        assert client.get(url).status_code == 200
    assert styles == ["tiled", "corner"]
    assert StudioSettings.watermark_style_for(creator.pk) == "corner"
    assert AuditLog.objects.filter(action="studio.watermark_style_set").count() == 1
    assert OutboxEvent.objects.filter(event_type="studio.watermark_style_set").count() == 1


def test_watermark_style_refusals(client, creator):
    client.force_login(creator)
    assert "One of tiled, corner." in client.post("/studio/settings/", {"watermark_style": "stars"}).content.decode()
    studio_settings.set_watermark_style(creator, "tiled")  # unchanged: no audit row, no event
    assert not AuditLog.objects.filter(action="studio.watermark_style_set").exists()
    with pytest.raises(PermissionDeniedError):
        studio_settings.set_watermark_style(make_fan(), "corner")
    client.force_login(make_fan())
    assert client.get("/studio/settings/").status_code == 404
