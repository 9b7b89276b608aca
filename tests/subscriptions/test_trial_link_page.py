"""Issue 12 item 3: a trial link has a web page that says whether and at what price it renews, and claims."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.offers.services import tiers as offers
from fansub.subscriptions.models import Subscription
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


@pytest.fixture
def link():
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator, name="Fans", price_minor=999)
    return offers.create_trial_link(creator, tier.pk, days=7, max_claims=2,
                                    expires_at=timezone.now() + timedelta(days=10))


def test_page_says_what_happens_after_the_trial_before_claiming(client, link):
    html = client.get(f"/trial/{link.code}/").content.decode()
    assert "7 days of Fans free" in html and "$9.99/month" in html and "ends by itself" in html
    assert "Log in to claim" in html  # a visitor is asked to log in, nothing is claimed
    assert client.post(f"/trial/{link.code}/").status_code == 302 and Subscription.objects.count() == 0


def test_fan_claims_a_trial_that_ends_by_itself(client, link):
    fan = make_fan(country="US", region="US-TX")
    client.force_login(fan)
    response = client.post(f"/trial/{link.code}/", {"continue_after_trial": "no"})
    assert response.status_code == 302
    sub = Subscription.objects.get(fan=fan)
    assert sub.status == "trialing" and not sub.renews


def test_continuing_needs_a_card_then_renews(client, link):
    fan = make_fan(country="US", region="US-TX")
    client.force_login(fan)
    html = client.post(f"/trial/{link.code}/", {"continue_after_trial": "yes"}).content.decode()
    assert "Add a payment method" in html and not Subscription.objects.exists()
    client.post(f"/trial/{link.code}/", {"continue_after_trial": "yes", "payment_method": CARD})
    assert Subscription.objects.get(fan=fan).renews


def test_current_subscriber_is_refused_and_a_replay_claims_once(client, link):
    fan = make_fan(country="US", region="US-TX")
    make_subscription(fan, link.tier)
    client.force_login(fan)
    html = client.post(f"/trial/{link.code}/", {"continue_after_trial": "no"}).content.decode()
    assert "new or expired" in html
    other = make_fan(country="US", region="US-TX")
    client.force_login(other)
    client.post(f"/trial/{link.code}/", {"continue_after_trial": "no"})
    html = client.post(f"/trial/{link.code}/", {"continue_after_trial": "no"}).content.decode()
    assert Subscription.objects.filter(fan=other).count() == 1 and "field-error" in html


def test_unknown_and_closed_links(client, link):
    assert client.get("/trial/nope/").status_code == 404
    link.is_active = False
    link.save()
    assert "no longer open" in client.get(f"/trial/{link.code}/").content.decode()


def test_studio_tier_form_sets_the_inclusion(client):
    creator = make_creator(country="US", verified=True)
    client.force_login(creator)
    client.post("/studio/tiers/", {"name": "Everything", "price": "14.99", "includes_lower_tiers": "on"})
    client.post("/studio/tiers/", {"name": "Basic", "price": "4.99"})
    tiers = {t.name: t.includes_lower_tiers for t in creator.tiers.all()}
    assert tiers == {"Everything": True, "Basic": False}
