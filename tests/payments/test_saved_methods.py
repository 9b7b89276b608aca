"""Saved cards through the simulator: save on a payment (checkbox), pay later by choosing the card, remove it in
account settings. Only provider ids, brand, last four and expiry are stored; a fan can only use or remove their
own; CCBill (adult) checkouts neither offer nor accept saved cards."""

import json

import pytest

from common.errors import NotFoundError, SavedMethodsUnsupported
from fansub.purchases.models import Tip
from fansub.purchases.services import billing
from payments.models import Payment, PaymentCustomer, SavedPaymentMethod, SimulatorObject
from payments.money import Money
from payments.services import purchases, saved_methods
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db
UK_CARD = "4000008260000000"


@pytest.fixture
def creator():
    return make_creator(country="US", verified=True)


@pytest.fixture
def fan():
    return make_fan(country="GB")


def _tip(client, creator, key, **fields):
    return client.post(f"/c/{creator.handle}/tip/", {"amount": "5.00", "idempotency_key": key, "action": "pay",
                                                     **fields})


def _no_card_number_stored():
    rows = [json.dumps(list(SavedPaymentMethod.objects.values()), default=str),
            json.dumps(list(SimulatorObject.objects.filter(kind="payment_method").values("data")), default=str),
            json.dumps(list(Payment.objects.values("payment_method_label")), default=str)]
    assert not any(UK_CARD in row or "400000826" in row for row in rows)


def test_save_on_a_payment_then_pay_with_it_and_remove_it(client, fan, creator):
    client.force_login(fan)
    page = client.get(f"/c/{creator.handle}/tip/").content.decode()
    assert 'name="save_card"' in page and 'name="saved_method"' not in page
    response = _tip(client, creator, "k-save", payment_method=UK_CARD, save_card="1")
    assert response.status_code == 302
    card = SavedPaymentMethod.objects.get(fan=fan)
    assert (card.provider, card.brand, card.last4, card.exp_year, card.country) == ("simulator", "visa", "0000",
                                                                                      2034, "GB")
    assert PaymentCustomer.objects.filter(fan=fan, provider="simulator").count() == 1
    assert Tip.objects.get().status == "succeeded"
    assert Payment.objects.get().payment_method_label == "visa •••• 0000"

    # Next time: choose it, type nothing.
    page = client.get(f"/c/{creator.handle}/tip/").content.decode()
    assert f'value="{card.public_id}"' in page and "Visa •••• 0000, expires 12/2034" in page
    assert _tip(client, creator, "k-use", saved_method=str(card.public_id)).status_code == 302
    assert Payment.objects.filter(status="succeeded").count() == 2
    intent = SimulatorObject.objects.filter(kind="payment_intent").order_by("-id").first()
    assert intent.data["card_country"] == "GB" and intent.data["last4"] == "0000"

    # Unlocks offer it too.
    post = make_post(creator, ppv_minor=300)
    assert client.post(f"/p/{post.pk}/unlock/", {"saved_method": str(card.public_id)}).status_code == 302

    # Account settings: listed, then removed (detached at the provider).
    settings_page = client.get("/payments/cards/").content.decode()
    assert "Visa •••• 0000" in settings_page and UK_CARD not in settings_page
    response = client.post("/payments/cards/", {"card": str(card.public_id)})
    assert response.status_code == 302
    assert not SavedPaymentMethod.objects.exists()
    assert SimulatorObject.objects.get(object_id=card.provider_method_id).data["customer"] is None
    # A removed card is refused, never charged.
    html = _tip(client, creator, "k-gone", saved_method=str(card.public_id)).content.decode()
    assert "No such saved card." in html and Payment.objects.count() == 3
    _no_card_number_stored()


def test_a_fan_cannot_use_or_remove_another_fans_card(client, fan, creator):
    mine = saved_methods.save(fan, "simulator", UK_CARD)
    thief = make_fan(country="GB")
    with pytest.raises(NotFoundError):
        purchases.charge(thief, creator, Money(500, "USD"), "tip", "t-x", "k-thief", mine.token)
    assert not Payment.objects.exists()
    client.force_login(thief)
    html = _tip(client, creator, "k-thief-page", saved_method=str(mine.public_id)).content.decode()
    assert "No such saved card." in html and not Payment.objects.exists()
    client.post("/payments/cards/", {"card": str(mine.public_id)})
    with pytest.raises(NotFoundError):
        saved_methods.remove(thief, str(mine.public_id))
    assert SavedPaymentMethod.objects.filter(pk=mine.pk).exists()
    for bad in ("not-a-uuid", ""):
        with pytest.raises(NotFoundError):
            saved_methods.remove(fan, bad)


def test_a_declined_card_is_not_saved_and_nothing_is_charged(client, fan, creator):
    client.force_login(fan)
    html = _tip(client, creator, "k-decl", payment_method="4000000000000002", save_card="1").content.decode()
    assert "could not be saved" in html
    assert not SavedPaymentMethod.objects.exists() and not Payment.objects.exists()


def test_a_malformed_card_is_a_card_error_even_when_saving(client, fan, creator):
    client.force_login(fan)
    html = _tip(client, creator, "k-bad", payment_method="4242 4242 4242 4241", save_card="1").content.decode()
    assert "not a valid card number" in html and not SavedPaymentMethod.objects.exists()


def test_ccbill_checkouts_neither_offer_nor_accept_saved_cards(client, settings, fan):
    settings.PAYMENTS_ROUTING = {"default": "simulator", "adult": "ccbill"}
    adult = make_creator(adult=True, verified=True)
    mine = saved_methods.save(fan, "simulator", UK_CARD)
    choice = billing.card_choice(fan, adult)
    assert choice.saved == [] and not choice.can_save
    with pytest.raises(SavedMethodsUnsupported):
        saved_methods.save(fan, "ccbill", UK_CARD)
    with pytest.raises(SavedMethodsUnsupported):
        saved_methods.resolve(fan.pk, "ccbill", mine.token)
    # The simulator creator's form still offers it.
    assert billing.card_choice(fan, make_creator(verified=True)).saved == [mine]


def test_subscription_checkout_can_use_a_saved_card(client, fan, creator):
    from tests.factories import make_tier

    tier = make_tier(creator, price_minor=999)
    card = saved_methods.save(fan, "simulator", UK_CARD)
    client.force_login(fan)
    page = client.get(f"/c/{creator.handle}/subscribe/{tier.pk}/").content.decode()
    assert f'value="{card.public_id}"' in page
    response = client.post(f"/c/{creator.handle}/subscribe/{tier.pk}/", {
        "action": "pay", "months": "1", "idempotency_key": "sub-saved", "saved_method": str(card.public_id)})
    assert response.status_code == 302
    assert Payment.objects.get(purpose="subscription").status == "succeeded"


def test_account_closing_detaches_every_saved_card_at_the_provider(client, fan, creator):
    from governance.services.erasure import run_closing_steps

    client.force_login(fan)
    assert _tip(client, creator, "k-close", payment_method=UK_CARD, save_card="1").status_code == 302
    card = SavedPaymentMethod.objects.get(fan=fan)
    provider_card = SimulatorObject.objects.get(kind="payment_method", object_id=card.provider_method_id)
    assert provider_card.data["customer"]

    closing = run_closing_steps(fan)

    assert closing["payments.saved_cards"] == {"detached": 1, "detach_failed": 0}
    provider_card.refresh_from_db()
    assert provider_card.data["customer"] is None  # the provider can no longer charge it
    assert not SavedPaymentMethod.objects.filter(fan=fan).exists()
