"""Issue 12 item 3 (fan flows) on the payment pages: totals before paying, a real country field when the
location evidence conflicts, a card error for a malformed card, 3-D Secure on the fan's own host, resume."""

import pytest

from fansub.purchases.models import Tip
from payments.models import Payment
from tests.factories import make_creator, make_fan, make_post, make_tier

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
THREE_DS = "4000002500003155"


@pytest.fixture
def creator():
    return make_creator(country="US", verified=True)


def _tip(client, creator, **fields):
    return client.post(f"/c/{creator.handle}/tip/", {"amount": "7.50", "idempotency_key": "k-1", **fields})


def test_tip_review_shows_subtotal_tax_and_total_without_charging(client, creator):
    client.force_login(make_fan(country="GB"))
    html = _tip(client, creator, action="quote").content.decode()
    assert "$7.50" in html and "Total" in html and "Tax (" in html
    assert Payment.objects.count() == 0 and Tip.objects.count() == 0


def test_tip_review_refuses_a_missing_amount(client, creator):
    client.force_login(make_fan(country="US", region="US-TX"))
    response = client.post(f"/c/{creator.handle}/tip/", {"amount": "", "action": "quote"})
    assert response.status_code == 200 and "Enter an amount." in response.content.decode()


@pytest.mark.parametrize("card", ["4242 4242 4242 4241", "1234", "4242-4242"])
def test_malformed_card_gets_a_card_error_not_a_location_message(client, creator, card):
    client.force_login(make_fan(country="US", region="US-TX"))
    html = _tip(client, creator, action="pay", payment_method=card).content.decode()
    assert "not a valid card number" in html
    assert "where you live" not in html.lower() and "evidence" not in html
    assert Payment.objects.count() == 0


def test_conflicting_location_asks_for_the_country_and_then_pays(client, creator, django_capture_on_commit_callbacks):
    fan = make_fan(country="GB")  # billing address GB, the card says US: conflict
    client.force_login(fan)
    html = _tip(client, creator, action="pay", payment_method=CARD).content.decode()
    assert 'name="confirmed_country" value="GB"' in html and 'name="confirmed_country" value="US"' in html
    assert Payment.objects.filter(status="succeeded").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = _tip(client, creator, action="pay", payment_method=CARD, confirmed_country="GB")
    assert response.status_code == 302
    assert Tip.objects.filter(fan=fan, status="succeeded").count() == 1


def test_conflict_with_a_country_matching_no_evidence_is_refused(client, creator):
    client.force_login(make_fan(country="GB"))
    html = _tip(client, creator, action="pay", payment_method=CARD, confirmed_country="FR").content.decode()
    assert "matches none" in html and Tip.objects.filter(status="succeeded").count() == 0


def test_unlock_page_takes_the_country_too(client, creator, django_capture_on_commit_callbacks):
    post = make_post(creator, ppv_minor=300)
    client.force_login(make_fan(country="GB"))
    html = client.post(f"/p/{post.pk}/unlock/", {"payment_method": CARD}).content.decode()
    assert 'name="confirmed_country"' in html and "Total" in html
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/p/{post.pk}/unlock/", {"payment_method": CARD, "confirmed_country": "GB"})
    assert done.status_code == 302 and done["Location"] == f"/p/{post.pk}/"


def test_three_d_secure_goes_to_the_host_the_fan_is_on_and_can_be_resumed(client, creator, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    client.force_login(make_fan(country="US", region="US-TX"))
    response = client.post(f"/c/{creator.handle}/tip/", {"amount": "7.50", "idempotency_key": "k-3", "action": "pay",
                                                         "payment_method": THREE_DS}, HTTP_HOST="localhost:8123")
    assert response.status_code == 302
    assert response["Location"].startswith("http://localhost:8123/") and "8000" not in response["Location"]
    assert client.get(response["Location"].replace("http://localhost:8123", "")).status_code == 200
    purchases = client.get("/payments/purchases/", HTTP_HOST="localhost:8123").content.decode()
    assert "Confirm with your bank" in purchases and "http://localhost:8123/" in purchases
    assert "Tip" in purchases


def test_unlock_with_three_d_secure_redirects_to_the_bank_step(client, creator):
    post = make_post(creator, ppv_minor=300)
    client.force_login(make_fan(country="US", region="US-TX"))
    response = client.post(f"/p/{post.pk}/unlock/", {"payment_method": THREE_DS})
    assert response.status_code == 302 and "/payments/simulator/3ds/" in response["Location"]


def test_checkout_update_price_works_before_any_card(client, creator):
    tier = make_tier(creator, name="Fans", price_minor=999)
    client.force_login(make_fan(country="US", region="US-TX"))
    page = client.get(f"/c/{creator.handle}/subscribe/{tier.pk}/").content.decode()
    assert 'value="quote" formnovalidate' in page
    html = client.post(f"/c/{creator.handle}/subscribe/{tier.pk}/", {"action": "quote", "months": "1"}).content.decode()
    assert "$9.99" in html and "Total today" in html and Payment.objects.count() == 0

