"""A tip refused with TAX_LOCATION_CONFLICT (before any charge) leaves no pending row: the retry with the
same key gets the same refusal, and succeeds once the fan confirms their country."""

import pytest

from fansub.purchases.models import Tip
from payments.models import Payment
from payments.services import verify
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db

US_CARD = "4242424242424242"


def test_tip_retry_after_tax_location_conflict(api_client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    fan = make_fan(country="GB")  # billing in GB, card issued in the US
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "USD"}, "payment_method": US_CARD}
    for _ in range(2):  # the retry is decided afresh: the same refusal, never 202 "pending"
        r = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-tax")
        assert r.status_code == 409 and r.json()["error"]["code"] == "TAX_LOCATION_CONFLICT", r.json()
        assert not Tip.objects.exists() and not Payment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post("/api/v1/tips/", {**body, "confirmed_country": "gb"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="tip-tax")
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.json()
    again = api_client.post("/api/v1/tips/", {**body, "confirmed_country": "gb"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="tip-tax")
    assert again.json()["id"] == r.json()["id"]
    assert Payment.objects.filter(purpose="tip", status="succeeded").count() == 1
    assert verify.verify().ok
