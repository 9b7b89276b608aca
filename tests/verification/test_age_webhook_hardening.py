"""Issue 10 (bad input): the age-assurance webhook verifies before it stores anything; refusals are counted
and logged, not kept; an unconfigured provider answers 503 AGE_WEBHOOK_NOT_CONFIGURED and stores nothing."""

import logging

import pytest

from fansub.verification.models import AgeCheck, AgeWebhookReceipt
from telemetry import metrics
from telemetry.models import OutboxEvent
from tests.factories import make_fan
from tests.verification.support import signed

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/verifications/age/webhooks/simulator/"


def _start(api_client, fan):
    api_client.force_authenticate(fan)
    response = api_client.post("/api/v1/verifications/age/", {"method": "facial_age_estimation"}, format="json")
    assert response.status_code == 201
    api_client.force_authenticate(None)
    return AgeCheck.objects.get(pk=response.json()["id"])


def test_unconfigured_age_webhook_answers_503_and_stores_nothing(api_client, settings, caplog):
    check = _start(api_client, make_fan())
    settings.AGE_WEBHOOK_SECRETS = {}
    body, signature = signed(check.provider_reference)
    age_events = OutboxEvent.objects.filter(event_type__startswith="age_check.")
    events_before = age_events.count()
    with caplog.at_level(logging.WARNING, logger="fansub.verification.age_webhook"):
        response = api_client.post(WEBHOOK, data=body, content_type="application/json",
                                   HTTP_X_FANSUB_SIGNATURE=signature)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "AGE_WEBHOOK_NOT_CONFIGURED"
    check.refresh_from_db()
    assert check.status == "pending"
    assert AgeWebhookReceipt.objects.count() == 0 and age_events.count() == events_before
    assert metrics.value("AGE_WEBHOOK_NOT_CONFIGURED") == 1
    assert "AGE_WEBHOOK_NOT_CONFIGURED" in caplog.text


@pytest.mark.parametrize("tamper", ["unsigned_big_body", "future_timestamp", "wrong_secret"])
def test_age_webhook_verifies_signature_before_storing_anything(api_client, caplog, tamper):
    import time

    check = _start(api_client, make_fan())
    if tamper == "unsigned_big_body":
        body, signature = b'{"reference": "' + b"x" * 500_000 + b'"}', ""
    elif tamper == "future_timestamp":
        body, signature = signed(check.provider_reference, timestamp=int(time.time()) + 3600)
    else:
        body, signature = signed(check.provider_reference, secret="guessed")
    with caplog.at_level(logging.WARNING, logger="fansub.verification.age_webhook"):
        response = api_client.post(WEBHOOK, data=body, content_type="application/json",
                                   HTTP_X_FANSUB_SIGNATURE=signature)
    assert response.status_code == 400
    check.refresh_from_db()
    assert check.status == "pending" and AgeWebhookReceipt.objects.count() == 0
    assert "refused" in caplog.text and "xxxx" not in caplog.text  # the reason and size, never the body
    assert metrics.value(response.json()["error"]["code"]) == 1
