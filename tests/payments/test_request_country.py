"""The request's country from a trusted proxy header (PAYMENTS_COUNTRY_HEADER) is stored as tax evidence on
every charge path: it is read where the payment row is written, so each product's charge carries it."""

import pytest

from payments.models import Payment
from payments.money import Money
from payments.services import purchases
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db

GB_CARD = "4000008260000000"


def test_tip_over_the_api_stores_the_proxy_country(api_client, settings, django_capture_on_commit_callbacks):
    settings.PAYMENTS_COUNTRY_HEADER = "CF-IPCountry"
    creator = make_creator(country="GB", verified=True)
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "GBP"}, "payment_method": GB_CARD}
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-ip",
                            HTTP_CF_IPCOUNTRY="gb")
    assert r.status_code == 201, r.json()
    payment = Payment.objects.get(purpose="tip")
    assert payment.tax_evidence["ip_country"] == "GB"
    # A replay from another network is the same request (the country is not part of the request hash).
    again = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-ip",
                            HTTP_CF_IPCOUNTRY="FR")
    assert again.status_code in (200, 201) and again.json()["id"] == r.json()["id"]


def test_unknown_or_tor_country_and_header_off_store_nothing(api_client, settings):
    creator = make_creator(country="GB", verified=True)
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "GBP"}, "payment_method": GB_CARD}
    settings.PAYMENTS_COUNTRY_HEADER = "CF-IPCountry"
    api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-tor", HTTP_CF_IPCOUNTRY="T1")
    settings.PAYMENTS_COUNTRY_HEADER = ""
    api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-off", HTTP_CF_IPCOUNTRY="GB")
    assert [p.tax_evidence["ip_country"] for p in Payment.objects.order_by("pk")] == ["", ""]


def test_conflicting_proxy_country_is_evidence_too(api_client, settings):
    """A fan billing in GB seen from the US with a GB card: two GB pieces against one US piece is a conflict
    the fan resolves by confirming (the rule in payments.tax.location), not a silent guess."""
    settings.PAYMENTS_COUNTRY_HEADER = "CF-IPCountry"
    creator = make_creator(country="GB", verified=True)
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "GBP"}, "payment_method": GB_CARD}
    r = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-us", HTTP_CF_IPCOUNTRY="US")
    assert r.status_code == 409 and r.json()["error"]["code"] == "TAX_LOCATION_CONFLICT"


def test_outside_a_request_nothing_is_added():
    creator = make_creator(country="GB", verified=True)
    fan = make_fan(country="GB")
    purchases.charge(fan, creator, Money(500, "GBP"), "tip", "t1", "k1", GB_CARD,
                     tax_evidence=TaxEvidence(billing_country="GB"))
    assert Payment.objects.get().tax_evidence["ip_country"] == ""
