import pytest

from payments.providers.stripe_gateway import StripeGateway
from tests.payments_providers.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_platform_endpoint"


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
