"""Stripe-Signature verification with payloads signed exactly as Stripe signs them."""

import hashlib
import hmac
import json
import time

import pytest
import stripe

from common.errors import ProviderMisconfigured, WebhookSignatureInvalid, WebhookTimestampStale
from payments.providers.stripe_gateway import StripeGateway
from tests.payments_providers.conftest import WEBHOOK_SECRET
from tests.payments_providers.test_stripe_payments import request


def test_signature_helper_matches_stripes_documented_scheme(fake_stripe):
    """Stripe docs: v1 = hex HMAC-SHA256(secret, f"{t}.{raw body}")."""
    event = fake_stripe.make_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})
    payload, headers = fake_stripe.signed_event(event, WEBHOOK_SECRET, timestamp=1_700_000_000)
    expected = hmac.new(WEBHOOK_SECRET.encode(), b"1700000000." + payload, hashlib.sha256).hexdigest()
    assert headers["Stripe-Signature"] == f"t=1700000000,v1={expected}"


def test_good_signature_gives_normalised_event(gateway, fake_stripe):
    paid = gateway.create_payment(request())
    event = next(e for e in fake_stripe.events if e["type"] == "payment_intent.succeeded")
    payload, headers = fake_stripe.signed_event(event, WEBHOOK_SECRET)

    parsed = gateway.parse_webhook(payload, headers)

    assert parsed.provider == "stripe"
    assert parsed.event_id == event["id"] and parsed.event_type == "payment_intent.succeeded"
    assert parsed.object_id == paid.provider_payment_id
    assert parsed.livemode is False
    assert parsed.created == event["created"]
    assert parsed.data["object"]["metadata"]["local_payment_id"] == "pay_1"
    assert parsed.data["account"] is None


def test_header_name_is_case_insensitive(gateway, fake_stripe):
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET)
    assert gateway.parse_webhook(payload, {"stripe-signature": headers["Stripe-Signature"]}).object_id == "ch_1"


def test_connect_event_carries_the_account(gateway, fake_stripe, ready_creator):
    event = next(e for e in fake_stripe.events if e["type"] == "account.updated")
    payload, headers = fake_stripe.signed_event(event, WEBHOOK_SECRET)
    parsed = gateway.parse_webhook(payload, headers)
    assert parsed.data["account"] == ready_creator and parsed.object_id == ready_creator


def test_livemode_flag_is_surfaced_for_the_coordinator_to_refuse(gateway, fake_stripe):
    event = fake_stripe.make_event("payment_intent.succeeded", {"id": "pi_live"}, livemode=True)
    payload, headers = fake_stripe.signed_event(event, WEBHOOK_SECRET)
    parsed = gateway.parse_webhook(payload, headers)
    assert parsed.livemode is True and gateway.livemode is False


def test_tampered_body_is_rejected(gateway, fake_stripe):
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET)
    with pytest.raises(WebhookSignatureInvalid):
        gateway.parse_webhook(payload.replace(b"ch_1", b"ch_2"), headers)


def test_wrong_secret_is_rejected(gateway, fake_stripe):
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                "whsec_someone_else")
    with pytest.raises(WebhookSignatureInvalid):
        gateway.parse_webhook(payload, headers)


def test_stale_timestamp_is_rejected_even_with_a_valid_signature(gateway, fake_stripe):
    stale = int(time.time()) - 301
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET, timestamp=stale)
    with pytest.raises(WebhookTimestampStale):
        gateway.parse_webhook(payload, headers)


def test_future_timestamp_is_rejected_even_with_a_valid_signature(gateway, fake_stripe):
    ahead = int(time.time()) + 301
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET, timestamp=ahead)
    with pytest.raises(WebhookTimestampStale) as refused:
        gateway.parse_webhook(payload, headers)
    assert refused.value.details["direction"] == "future"


def test_timestamp_slightly_ahead_is_accepted(gateway, fake_stripe):
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET, timestamp=int(time.time()) + 60)
    assert gateway.parse_webhook(payload, headers).object_id == "ch_1"


def test_timestamp_inside_tolerance_is_accepted(gateway, fake_stripe):
    payload, headers = fake_stripe.signed_event(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}),
                                                WEBHOOK_SECRET, timestamp=int(time.time()) - 240)
    assert gateway.parse_webhook(payload, headers).object_id == "ch_1"


@pytest.mark.parametrize("headers", [{}, {"Stripe-Signature": ""}, {"Stripe-Signature": "garbage"},
                                     {"Stripe-Signature": "t=notanumber,v1=abc"}])
def test_missing_or_malformed_header_is_rejected(gateway, headers):
    with pytest.raises(WebhookSignatureInvalid):
        gateway.parse_webhook(b'{"id": "evt_1", "object": "event"}', headers)


def test_signed_non_json_is_rejected(gateway):
    header = stripe.WebhookSignature.generate_signature_header("not json", WEBHOOK_SECRET)
    with pytest.raises(WebhookSignatureInvalid):
        gateway.parse_webhook(b"not json", {"Stripe-Signature": header})


def test_connect_endpoint_secret_is_also_accepted(fake_stripe):
    gateway = StripeGateway(api_key=fake_stripe.api_key, webhook_secrets=[WEBHOOK_SECRET, "whsec_connect"],
                            api_base=fake_stripe.url)
    event = fake_stripe.make_event("account.updated", {"id": "acct_1"}, account="acct_1")
    payload, headers = fake_stripe.signed_event(event, "whsec_connect")
    assert gateway.parse_webhook(payload, headers).event_type == "account.updated"


def test_no_secret_configured_rejects_everything_as_misconfigured(fake_stripe):
    gateway = StripeGateway(api_key=fake_stripe.api_key, webhook_secrets=[], api_base=fake_stripe.url)
    payload = json.dumps(fake_stripe.make_event("charge.refunded", {"id": "ch_1"}))
    header = stripe.WebhookSignature.generate_signature_header(payload, "")
    with pytest.raises(ProviderMisconfigured, match="STRIPE_WEBHOOK_SECRET"):
        gateway.parse_webhook(payload.encode(), {"Stripe-Signature": header})
