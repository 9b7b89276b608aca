import pytest

from payments.models import ConnectedAccount
from payments.providers import registry
from payments.providers.stripe_gateway import StripeGateway
from payments.services import payouts
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan
from tests.payments_providers.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_platform_endpoint"
SECRET = "whsec_test_journeys"
GB = TaxEvidence(billing_country="GB", card_country="GB")


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def gateway(fake_stripe):
    # No library retries here so failure tests see the first answer; retry-safety has its own test.
    return StripeGateway(api_key=fake_stripe.api_key, webhook_secrets=[WEBHOOK_SECRET], livemode=False,
                         api_base=fake_stripe.url, max_network_retries=0, timeout_seconds=5)


@pytest.fixture
def ready_creator(gateway, fake_stripe):
    """An Express account that finished onboarding (transfers active, payouts enabled)."""
    account_id = gateway.create_connected_account("creator-1", "connect-account:creator-1")
    fake_stripe.complete_onboarding(account_id)
    return account_id


# --- whole journeys through payments.services with the Stripe adapter (test_journeys_stripe.py) ---------
def deliver_events(client, fake):
    """Post every event the fake emitted since last time to our endpoint, signed like Stripe."""
    outcomes = []
    for event in fake.take_events():
        payload, headers = fake.signed_event(event, SECRET)
        response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
        assert response.status_code == 200, (event["type"], response.content)
        outcomes.append((event["type"], response.content.decode()))
    return outcomes


@pytest.fixture
def fake():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_configured(settings, fake):
    settings.PAYMENTS_ROUTING = {"default": "stripe", "adult": "simulator"}
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRETS = [SECRET]
    settings.STRIPE_LIVEMODE = False
    settings.PAYMENTS_LIVEMODE = False
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 5
    settings.PAYOUT_HOLD_DAYS = 0
    settings.PAYOUT_MINIMUM_MINOR = 100
    settings.PLATFORM_FEE_PERCENT = 20
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def fan(db):
    return make_fan(country="GB")


@pytest.fixture
def creator(db, client, fake, stripe_configured):
    creator = make_creator()
    url = payouts.onboarding_link(creator, refresh_url="https://fansub.test/r", return_url="https://fansub.test/ok")
    assert url.startswith("https://connect.stripe.com/")
    account = ConnectedAccount.objects.get(creator=creator, provider="stripe")
    assert not account.payouts_enabled
    fake.complete_onboarding(account.account_ref)
    deliver_events(client, fake)
    account.refresh_from_db()
    assert account.payouts_enabled and account.requirements_due == []
    return creator


