import pytest

from payments.money import Money
from payments.providers import registry
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan

GB_CARD = "4000008260000000"
DE_CARD = "4000002760000016"
US_CARD = "4242424242424242"
DECLINE_CARD = "4000000000000002"
THREE_DS_CARD = "4000002500003155"
DISPUTE_CARD = "4000000000000259"

GB = TaxEvidence(billing_country="GB", card_country="GB")
DE = TaxEvidence(billing_country="DE", ip_country="DE")
US_TX = TaxEvidence(billing_country="US", billing_region="TX", ip_country="US")


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def fan(db):
    return make_fan(country="GB")


@pytest.fixture
def creator(db):
    return make_creator()


def gbp(minor: int) -> Money:
    return Money(minor, "GBP")
