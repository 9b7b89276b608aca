"""Issue 10 "Prices and access": the fan's subscriptions page offers the tier's new price, with the old and the
new price shown, and accepting it there applies it from the next renewal; refusals change nothing."""

import pytest
from django.utils import timezone

from fansub.offers.services import tiers
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import subscriptions
from payments.money import Money
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_tier

pytestmark = pytest.mark.django_db

US_CARD = "4242424242424242"
PAGE = "/account/subscriptions/"


@pytest.fixture
def raised(django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    with django_capture_on_commit_callbacks(execute=True):
        sub = subscriptions.subscribe(fan, tier.pk, payment_method=US_CARD, idempotency_key="s1").subscription
    tiers.update_tier(creator, tier.pk, price=Money(4999, "USD"))
    return fan, sub


def _accept(client, sub):
    return client.post(f"{PAGE}{sub.pk}/", {"action": "accept_price"}, follow=True)


def test_fan_accepts_a_tiers_new_price_from_the_subscriptions_page(client, raised):
    fan, sub = raised
    client.force_login(fan)
    page = client.get(PAGE).content.decode()
    assert f'id="price-change-{sub.pk}"' in page
    assert "$5.00" in page and "$49.99" in page and 'value="accept_price"' in page
    response = _accept(client, sub)
    assert response.status_code == 200 and "New price accepted" in response.content.decode()
    sub.refresh_from_db()
    assert sub.price_minor == 4999
    assert OutboxEvent.objects.filter(event_type="subscription.price_accepted").count() == 1
    assert f'id="price-change-{sub.pk}"' not in client.get(PAGE).content.decode()  # nothing left to accept


def test_no_price_change_offer_without_a_raise(client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    with django_capture_on_commit_callbacks(execute=True):
        sub = subscriptions.subscribe(fan, tier.pk, payment_method=US_CARD, idempotency_key="s1").subscription
    client.force_login(fan)
    assert f'id="price-change-{sub.pk}"' not in client.get(PAGE).content.decode()


def test_another_fan_cannot_accept_the_price_for_someone_else(client, raised):
    _, sub = raised
    client.force_login(make_fan(country="US", region="US-NY"))
    response = _accept(client, sub)
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.price_minor == 500


def test_an_ended_subscription_cannot_accept_a_price(client, raised):
    fan, sub = raised
    Subscription.objects.filter(pk=sub.pk).update(status="expired", ended_at=timezone.now())
    client.force_login(fan)
    assert f'id="price-change-{sub.pk}"' not in client.get(PAGE).content.decode()
    response = _accept(client, sub)
    assert "has ended" in response.content.decode()
    sub.refresh_from_db()
    assert sub.price_minor == 500


def test_accepting_twice_changes_nothing_more(client, raised):
    fan, sub = raised
    client.force_login(fan)
    _accept(client, sub)
    _accept(client, sub)
    sub.refresh_from_db()
    assert sub.price_minor == 4999


def test_anonymous_visitor_cannot_accept(client, raised):
    _, sub = raised
    response = client.post(f"{PAGE}{sub.pk}/", {"action": "accept_price"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    sub.refresh_from_db()
    assert sub.price_minor == 500
