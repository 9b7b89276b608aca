"""StripeGateway payments through the real stripe library against the local fake Stripe."""

import socket

import pytest

from payments.money import Money
from payments.providers.base import PaymentRequest
from payments.providers.provider_errors import (
    ProviderIdempotencyConflict,
    ProviderMisconfigured,
    ProviderRequestRejected,
    ProviderUnavailable,
)
from payments.providers.stripe_gateway import StripeGateway


def request(key="charge:pay_1", pm="pm_card_visa", amount=Money(1299, "USD"), **extra):
    return PaymentRequest(local_payment_id=key.split(":")[-1], amount=amount, idempotency_key=key,
                          payment_method=pm, **extra)


def posts(fake, path):
    return [r for r in fake.requests if r.method == "POST" and r.path == path]


# --- happy paths ---------------------------------------------------------------------------
def test_visa_payment_succeeds_with_amount_card_country_and_fee(gateway, fake_stripe):
    result = gateway.create_payment(request(metadata={"purchase": "ppv:42"}))

    assert result.status == "succeeded"
    assert result.provider_payment_id.startswith("pi_")
    assert result.amount == Money(1299, "USD")
    assert result.amount_captured == Money(1299, "USD")
    assert result.card_country == "US"
    assert result.processor_fee == Money(round(1299 * 0.029) + 30, "USD")
    assert result.client_action is None and result.decline_code is None
    sent = posts(fake_stripe, "/v1/payment_intents")[0]
    assert sent.headers["idempotency-key"] == "charge:pay_1"  # passed through unchanged
    assert sent.params["amount"] == "1299" and sent.params["currency"] == "usd"
    assert sent.params["confirm"] == "true" and sent.params["capture_method"] == "automatic"
    assert sent.params["metadata"] == {"purchase": "ppv:42", "local_payment_id": "pay_1"}


def test_jpy_is_sent_in_yen_not_hundredths(gateway, fake_stripe):
    result = gateway.create_payment(request(pm="pm_card_jp", amount=Money.from_decimal("500", "JPY")))

    assert posts(fake_stripe, "/v1/payment_intents")[0].params["amount"] == "500"
    assert result.amount == Money(500, "JPY")
    assert result.amount_captured == Money(500, "JPY")
    assert result.card_country == "JP"
    assert result.processor_fee == Money(round(500 * 0.029), "JPY")


def test_jpy_below_stripe_minimum_is_rejected(gateway):
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.create_payment(request(pm="pm_card_jp", amount=Money(49, "JPY")))
    assert exc.value.details["stripe_code"] == "amount_too_small"


def test_retrieve_payment_refetches_state(gateway):
    created = gateway.create_payment(request())
    again = gateway.retrieve_payment(created.provider_payment_id)
    assert again.status == "succeeded"
    assert again.amount_captured == Money(1299, "USD")
    assert again.raw["metadata"]["local_payment_id"] == "pay_1"


# --- declines and 3-D Secure ------------------------------------------------------------------
@pytest.mark.parametrize(("pm", "decline_code"), [("pm_card_chargeDeclined", "generic_decline"),
                                                  ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")])
def test_decline_is_a_failed_outcome_not_an_exception(gateway, pm, decline_code):
    result = gateway.create_payment(request(pm=pm))

    assert result.status == "failed"
    assert result.decline_code == decline_code
    assert result.failure_message == "Your card was declined."
    assert result.provider_payment_id.startswith("pi_")  # the failed intent exists at Stripe
    assert result.amount_captured is None
    assert gateway.retrieve_payment(result.provider_payment_id).status == "failed"


def test_three_d_secure_returns_client_action_then_succeeds_after_challenge(gateway, fake_stripe):
    result = gateway.create_payment(request(pm="pm_card_authenticationRequired"))

    assert result.status == "requires_action"
    assert result.client_action["type"] == "stripe_sdk"
    assert result.client_action["client_secret"] == f"{result.provider_payment_id}_secret_fake"
    assert result.client_action["next_action"]["type"] == "use_stripe_sdk"
    assert result.amount_captured is None

    fake_stripe.complete_authentication(result.provider_payment_id)
    assert gateway.retrieve_payment(result.provider_payment_id).status == "succeeded"


def test_three_d_secure_failed_challenge_surfaces_as_failed(gateway, fake_stripe):
    result = gateway.create_payment(request(pm="pm_card_authenticationRequired"))
    fake_stripe.complete_authentication(result.provider_payment_id, succeed=False)

    again = gateway.retrieve_payment(result.provider_payment_id)
    assert again.status == "failed"
    assert again.decline_code == "payment_intent_authentication_failure"


# --- idempotency ---------------------------------------------------------------------------------
def test_same_key_same_request_replays_first_answer(gateway, fake_stripe):
    first = gateway.create_payment(request())
    second = gateway.create_payment(request())

    assert second.provider_payment_id == first.provider_payment_id
    assert [r.replayed for r in posts(fake_stripe, "/v1/payment_intents")] == [False, True]
    assert len([o for o in fake_stripe.objects.values() if o["object"] == "payment_intent"]) == 1


def test_replayed_decline_stays_the_same_decline(gateway, fake_stripe):
    first = gateway.create_payment(request(pm="pm_card_chargeDeclined"))
    second = gateway.create_payment(request(pm="pm_card_chargeDeclined"))
    assert second == first
    assert posts(fake_stripe, "/v1/payment_intents")[1].replayed


def test_same_key_different_amount_is_an_idempotency_conflict(gateway):
    gateway.create_payment(request())
    with pytest.raises(ProviderIdempotencyConflict) as exc:
        gateway.create_payment(request(amount=Money(1300, "USD")))
    assert exc.value.code == "IDEMPOTENCY_CONFLICT"


def test_every_post_carries_an_idempotency_key(gateway, fake_stripe, ready_creator):
    customer = gateway.create_customer("fan-1", "customer:fan-1")
    gateway.create_setup_intent(customer, "setup:fan-1:1", payment_method="pm_card_visa")
    paid = gateway.create_payment(request(destination_account=ready_creator,
                                          application_fee=Money(260, "USD")))
    gateway.refund_payment(paid.provider_payment_id, Money(100, "USD"), "refund:r1")
    gateway.create_payout(ready_creator, Money(100, "USD"), "payout:p1")
    gateway.create_onboarding_link(ready_creator, "https://x.test/r", "https://x.test/ok", "link:1")
    keys = [r.headers.get("idempotency-key") for r in fake_stripe.requests if r.method == "POST"]
    assert keys == ["connect-account:creator-1", "customer:fan-1", "setup:fan-1:1", "charge:pay_1", "refund:r1",
                    "payout:p1", "link:1"]


def test_missing_idempotency_key_is_a_programming_error(gateway):
    with pytest.raises(ValueError):
        gateway.create_payment(request(key=""))


# --- transient and configuration failures -------------------------------------------------------
@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_outage_are_retryable(gateway, fake_stripe, status):
    fake_stripe.fail_next(status)
    with pytest.raises(ProviderUnavailable) as exc:
        gateway.create_payment(request())
    assert exc.value.retryable and exc.value.code == "PAYMENT_PROVIDER_UNAVAILABLE"
    # The retry with the same key is performed exactly once.
    assert gateway.create_payment(request()).status == "succeeded"


def test_connection_refused_is_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nothing listens there
    gateway = StripeGateway(api_key="sk_test_x", webhook_secrets=["whsec_x"], api_base=f"http://127.0.0.1:{port}",
                            max_network_retries=0, timeout_seconds=2)
    with pytest.raises(ProviderUnavailable):
        gateway.create_payment(request())


def test_library_retries_reuse_our_key_so_stripe_charges_once(fake_stripe):
    fake_stripe.fail_next(503)  # the library retries 409/5xx (not 429 unless Stripe-Should-Retry says so)
    gateway = StripeGateway(api_key=fake_stripe.api_key, webhook_secrets=["whsec_x"], api_base=fake_stripe.url,
                            max_network_retries=1, timeout_seconds=5)
    assert gateway.create_payment(request()).status == "succeeded"
    attempts = posts(fake_stripe, "/v1/payment_intents")
    assert [r.status for r in attempts] == [503, 200]
    assert {r.headers["idempotency-key"] for r in attempts} == {"charge:pay_1"}


def test_wrong_api_key_is_misconfiguration(fake_stripe):
    gateway = StripeGateway(api_key="sk_test_wrong", webhook_secrets=["whsec_x"], api_base=fake_stripe.url,
                            max_network_retries=0)
    with pytest.raises(ProviderMisconfigured):
        gateway.create_payment(request())


@pytest.mark.parametrize(("key", "livemode"), [("sk_live_abc", False), ("sk_test_abc", True), ("", False)])
def test_key_and_livemode_must_agree(key, livemode):
    with pytest.raises(ProviderMisconfigured):
        StripeGateway(api_key=key, webhook_secrets=["whsec_x"], livemode=livemode)


def test_unknown_payment_intent_is_rejected(gateway):
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.retrieve_payment("pi_missing")
    assert exc.value.details["stripe_code"] == "resource_missing"


# --- escrow: manual capture ----------------------------------------------------------------------
def test_manual_capture_holds_then_captures_part(gateway, fake_stripe):
    held = gateway.create_payment(request(key="authorize:pay_9", capture=False))
    assert held.status == "requires_capture"
    assert held.amount_captured is None
    assert posts(fake_stripe, "/v1/payment_intents")[0].params["capture_method"] == "manual"

    captured = gateway.capture_payment(held.provider_payment_id, Money(1000, "USD"), "capture:pay_9")
    assert captured.status == "succeeded"
    assert captured.amount_captured == Money(1000, "USD")
    assert posts(fake_stripe, f"/v1/payment_intents/{held.provider_payment_id}/capture")[0].params[
        "amount_to_capture"] == "1000"


def test_capture_more_than_held_is_refused(gateway):
    held = gateway.create_payment(request(capture=False))
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.capture_payment(held.provider_payment_id, Money(5000, "USD"), "capture:pay_1")
    assert exc.value.details["stripe_code"] == "amount_too_large"


def test_cancel_releases_the_hold(gateway):
    held = gateway.create_payment(request(capture=False))
    canceled = gateway.cancel_payment(held.provider_payment_id, "cancel:pay_1")
    assert canceled.status == "canceled"
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.capture_payment(held.provider_payment_id, Money(1299, "USD"), "capture:pay_1")
    assert exc.value.details["stripe_code"] == "payment_intent_unexpected_state"


def test_cancel_after_capture_is_refused(gateway):
    paid = gateway.create_payment(request())
    with pytest.raises(ProviderRequestRejected):
        gateway.cancel_payment(paid.provider_payment_id, "cancel:pay_1")


# --- refunds ----------------------------------------------------------------------------------------
def test_partial_then_full_refund_of_a_platform_charge(gateway, fake_stripe):
    paid = gateway.create_payment(request())
    first = gateway.refund_payment(paid.provider_payment_id, Money(299, "USD"), "refund:r1")
    assert first.status == "succeeded" and first.amount == Money(299, "USD")
    sent = posts(fake_stripe, "/v1/refunds")[0].params
    assert sent["reason"] == "requested_by_customer"
    assert "reverse_transfer" not in sent and "refund_application_fee" not in sent  # no transfer to unwind

    gateway.refund_payment(paid.provider_payment_id, Money(1000, "USD"), "refund:r2")
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.refund_payment(paid.provider_payment_id, Money(1, "USD"), "refund:r3")
    assert exc.value.details["stripe_code"] == "charge_already_refunded"


def test_refund_reason_outside_stripes_list_goes_to_metadata_only(gateway, fake_stripe):
    paid = gateway.create_payment(request())
    gateway.refund_payment(paid.provider_payment_id, Money(100, "USD"), "refund:r1", reason="creator_no_show")
    sent = posts(fake_stripe, "/v1/refunds")[0].params
    assert "reason" not in sent and sent["metadata"] == {"reason": "creator_no_show"}


def test_refund_in_another_currency_is_a_programming_error(gateway):
    paid = gateway.create_payment(request())
    with pytest.raises(ValueError):
        gateway.refund_payment(paid.provider_payment_id, Money(100, "EUR"), "refund:r1")


def test_refund_over_the_captured_amount_is_refused(gateway):
    paid = gateway.create_payment(request())
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.refund_payment(paid.provider_payment_id, Money(5000, "USD"), "refund:r1")
    assert exc.value.details["stripe_code"] == "amount_too_large"
