"""CCBill adapter: FlexForms formDigest, postback verification and normalisation, DataLink refunds."""

import json
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from common.errors import WebhookSignatureInvalid
from payments.money import Money
from payments.providers import ccbill_signing as signing
from payments.providers.base import PaymentRequest
from payments.providers.highrisk import CCBillProvider
from payments.providers.provider_errors import (
    ProviderMisconfigured,
    ProviderOperationUnsupported,
    ProviderOutcomeUnknown,
    ProviderRequestRejected,
    ProviderUnavailable,
)
from tests.payments_providers.fake_ccbill import FakeDataLink

FIXTURES = Path(__file__).parent / "fixtures"
DOC_SALT = "7d901dad245fd0ff6bc20d06"  # the salt of CCBill's own formDigest example
FLEX_ID = "687fa3e0-e60d-4466-88e2-181fa56dd6a9"


def make_provider(**overrides):
    options = {"client_accnum": "900100", "client_subacc": "0000", "flexform_id": FLEX_ID, "salt": DOC_SALT,
               "datalink_url": "http://127.0.0.1:9/unused", "datalink_username": "datalink-user",
               "datalink_password": "datalink-pass", "livemode": False, "timeout_seconds": 2}
    options.update(overrides)
    return CCBillProvider(**options)


@pytest.fixture
def ccbill():
    return make_provider()


@pytest.fixture
def datalink():
    fake = FakeDataLink().start()
    yield fake
    fake.stop()


def load(name):
    return json.loads((FIXTURES / name).read_text())


def deliver(provider, fixture, **changes):
    """Feed a recorded postback to parse_webhook the way the webhook endpoint does."""
    body = dict(fixture["body"], **changes.pop("body", {}))
    query = dict(fixture["query"], **changes.pop("query", {}))
    remote_addr = changes.pop("remote_addr", fixture["remote_addr"])
    if fixture["format"] == "json":
        payload, content_type = json.dumps(body).encode(), "application/json"
    else:
        payload, content_type = urlencode(body).encode(), "application/x-www-form-urlencoded"
    return provider.parse_webhook(payload, {"Content-Type": content_type}, query=query, remote_addr=remote_addr)


# --- hosted form ---------------------------------------------------------------------------------
def test_form_digest_matches_ccbills_documented_example():
    assert signing.single_billing_digest("10.00", 30, "840", DOC_SALT) == "a7459445d0e5dc0963fe736dc5cf900b"


def test_create_payment_returns_signed_flexforms_redirect(ccbill):
    result = ccbill.create_payment(PaymentRequest(local_payment_id="pay_42", amount=Money(1000, "USD"),
                                                  idempotency_key="charge:pay_42", payment_method="ccbill"))
    assert result.status == "requires_action"
    assert result.provider_payment_id == "ccbill_ref_pay_42"
    url = urlsplit(result.client_action["url"])
    assert result.client_action["type"] == "redirect"
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"https://api.ccbill.com/wap-frontflex/flexforms/{FLEX_ID}"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {"clientSubacc": "0000", "initialPrice": "10.00", "initialPeriod": "30", "currencyCode": "840",
                     "formDigest": "a7459445d0e5dc0963fe736dc5cf900b", "fansubRef": "ccbill_ref_pay_42"}


def test_jpy_price_has_two_decimals_and_its_own_code(ccbill):
    url = ccbill.payment_form_url(Money(500, "JPY"), "ccbill_ref_pay_44")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["initialPrice"] == "500.00" and query["currencyCode"] == "392"
    assert query["formDigest"] == signing.md5_hex(f"500.0030392{DOC_SALT}")


def test_recurring_form_digest_covers_the_recurring_terms(ccbill):
    url = ccbill.subscription_form_url(Money(999, "EUR"), 30, Money(999, "EUR"), 30, 99, "ccbill_ref_sub_1")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["formDigest"] == signing.md5_hex(f"9.99309.993099978{DOC_SALT}")
    assert query["numRebills"] == "99" and query["currencyCode"] == "978"


def test_unsupported_currency_is_refused(ccbill):
    with pytest.raises(ProviderRequestRejected):
        ccbill.payment_form_url(Money(1000, "SEK"), "ccbill_ref_x")


@pytest.mark.parametrize("extra", [{"capture": False}, {"destination_account": "acct_1"},
                                   {"application_fee": Money(100, "USD")}])
def test_operations_ccbill_cannot_do_are_refused_not_faked(ccbill, extra):
    with pytest.raises(ProviderOperationUnsupported):
        ccbill.create_payment(PaymentRequest(local_payment_id="p", amount=Money(1000, "USD"), idempotency_key="k",
                                             payment_method="ccbill", **extra))


@pytest.mark.parametrize("call", [
    lambda p: p.capture_payment("1000000000", Money(1, "USD"), "k"),
    lambda p: p.cancel_payment("ccbill_ref_pay_1", "k"),
    lambda p: p.retrieve_payment("ccbill_ref_pay_1"),
    lambda p: p.create_payout("creator", Money(1, "USD"), "k"),
])
def test_missing_processor_operations_raise(ccbill, call):
    with pytest.raises(ProviderOperationUnsupported):
        call(ccbill)


@pytest.mark.parametrize("missing", ["client_accnum", "client_subacc", "flexform_id", "salt"])
def test_incomplete_configuration_is_refused(missing):
    with pytest.raises(ProviderMisconfigured):
        make_provider(**{missing: ""})


# --- postbacks ----------------------------------------------------------------------------------
def test_new_sale_success_is_verified_and_normalised(ccbill):
    event = deliver(ccbill, load("ccbill_new_sale_success.json"))
    assert event.provider == "ccbill"
    assert event.event_type == "payment_intent.succeeded"
    assert event.object_id == "ccbill_ref_pay_42"
    assert event.data["subscription_id"] == "1000000000"
    assert event.data["transaction_id"] == "0912191101000000159"
    assert (event.data["amount_minor"], event.data["currency"]) == (1000, "USD")
    assert event.livemode is False
    assert event.event_id.startswith("ccbill_evt_")


def test_personal_data_in_the_postback_is_not_copied(ccbill):
    event = deliver(ccbill, load("ccbill_new_sale_success.json"))
    flat = json.dumps(event.data)
    for value in ("John", "Doe", "user@randomurl.com", "192.168.27.4", "123 Main Street", "mYPaSSw0rD", "411111"):
        assert value not in flat


def test_jpy_sale_amount_is_in_yen(ccbill):
    event = deliver(ccbill, load("ccbill_new_sale_success_jpy.json"))
    assert (event.data["amount_minor"], event.data["currency"]) == (500, "JPY")


def test_new_sale_failure_is_verified_with_its_own_digest(ccbill):
    event = deliver(ccbill, load("ccbill_new_sale_failure.json"))
    assert event.event_type == "payment_intent.payment_failed"
    assert event.object_id == "ccbill_ref_pay_43"
    assert event.data["failureCode"] == "24"


@pytest.mark.parametrize(("fixture", "event_type"), [("ccbill_refund.json", "charge.refunded"),
                                                     ("ccbill_void.json", "charge.refunded"),
                                                     ("ccbill_chargeback.json", "charge.dispute.created")])
def test_money_back_events_refer_to_the_subscription(ccbill, fixture, event_type):
    event = deliver(ccbill, load(fixture))
    assert event.event_type == event_type
    assert event.object_id == "1000000000"
    assert (event.data["amount_minor"], event.data["currency"]) == (1000, "USD")
    assert event.data["void"] is (fixture == "ccbill_void.json")
    assert event.data["reason"]


def test_replayed_postback_has_the_same_event_id_for_dedupe(ccbill):
    fixture = load("ccbill_new_sale_success.json")
    assert deliver(ccbill, fixture).event_id == deliver(ccbill, fixture).event_id
    refund = load("ccbill_refund.json")
    assert deliver(ccbill, refund).event_id != deliver(ccbill, load("ccbill_chargeback.json")).event_id


@pytest.mark.parametrize("digest", ["0" * 32, "", signing.sale_success_digest("1000000000", "other-salt"),
                                    signing.sale_success_digest("1000000001", DOC_SALT)])
def test_bad_sale_digest_is_rejected(ccbill, digest):
    with pytest.raises(WebhookSignatureInvalid, match="ValidationDigest mismatch"):
        deliver(ccbill, load("ccbill_new_sale_success.json"), body={"dynamicPricingValidationDigest": digest})


def test_success_digest_cannot_be_replayed_as_a_failure(ccbill):
    fixture = load("ccbill_new_sale_success.json")
    with pytest.raises(WebhookSignatureInvalid):
        deliver(ccbill, fixture, query={"eventType": "NewSaleFailure"})


def test_digest_binds_the_subscription_id(ccbill):
    with pytest.raises(WebhookSignatureInvalid):
        deliver(ccbill, load("ccbill_new_sale_success.json"), body={"subscriptionId": "1000000099"})


@pytest.mark.parametrize("addr", ["203.0.113.9", "64.38.212.0", "64.38.212.255", "", None, "not-an-ip"])
def test_sender_outside_ccbills_networks_is_rejected(ccbill, addr):
    with pytest.raises(WebhookSignatureInvalid, match="networks"):
        deliver(ccbill, load("ccbill_refund.json"), remote_addr=addr)


@pytest.mark.parametrize("addr", ["64.38.212.1", "64.38.215.254", "64.38.240.77", "64.38.241.2"])
def test_documented_sender_addresses_are_accepted(ccbill, addr):
    assert deliver(ccbill, load("ccbill_refund.json"), remote_addr=addr).event_type == "charge.refunded"


def test_allow_list_can_be_configured(ccbill):
    local = make_provider(webhook_networks=["127.0.0.1/32"])
    assert deliver(local, load("ccbill_refund.json"), remote_addr="127.0.0.1")
    with pytest.raises(WebhookSignatureInvalid):
        deliver(local, load("ccbill_refund.json"))


def test_url_token_when_configured():
    provider = make_provider(webhook_token="s3cret-token")
    with pytest.raises(WebhookSignatureInvalid, match="token"):
        deliver(provider, load("ccbill_refund.json"))
    with pytest.raises(WebhookSignatureInvalid, match="token"):
        deliver(provider, load("ccbill_refund.json"), query={"token": "wrong"})
    assert deliver(provider, load("ccbill_refund.json"), query={"token": "s3cret-token"})


@pytest.mark.parametrize("change", [{"body": {"clientAccnum": 900999}, "query": {"clientAccnum": "900999"}},
                                    {"body": {"clientSubacc": "0001"}, "query": {"clientSubacc": "0001"}}])
def test_postback_for_another_account_is_rejected(ccbill, change):
    with pytest.raises(WebhookSignatureInvalid, match="account"):
        deliver(ccbill, load("ccbill_refund.json"), **change)


def test_missing_event_type_is_rejected(ccbill):
    with pytest.raises(WebhookSignatureInvalid, match="eventType"):
        deliver(ccbill, load("ccbill_refund.json"), query={"eventType": ""})


def test_unknown_event_type_passes_through_namespaced(ccbill):
    event = deliver(ccbill, load("ccbill_refund.json"), query={"eventType": "BillingDateChange"})
    assert event.event_type == "ccbill.BillingDateChange"


def test_malformed_json_is_rejected(ccbill):
    with pytest.raises(WebhookSignatureInvalid):
        ccbill.parse_webhook(b"{not json", {"Content-Type": "application/json"},
                             query=load("ccbill_refund.json")["query"], remote_addr="64.38.212.1")


# --- refunds through DataLink -----------------------------------------------------------------------
def test_refund_calls_datalink_with_documented_parameters(datalink):
    provider = make_provider(datalink_url=datalink.url)
    refund = provider.refund_payment("1000000000", Money(500, "USD"), "refund:r1")
    assert refund.status == "succeeded" and refund.amount == Money(500, "USD")
    assert datalink.requests == [{"clientAccnum": "900100", "clientSubacc": "0000", "username": "datalink-user",
                                  "password": "datalink-pass", "action": "refundTransaction",
                                  "subscriptionId": "1000000000", "amount": "5.00", "returnXML": "1"}]


def test_refund_refused_by_ccbill(datalink):
    datalink.next_results.append("-3")
    with pytest.raises(ProviderRequestRejected) as exc:
        make_provider(datalink_url=datalink.url).refund_payment("1000000000", Money(500, "USD"), "refund:r1")
    assert exc.value.details["ccbill_result"] == "-3"


def test_refund_with_wrong_credentials_is_refused(datalink):
    with pytest.raises(ProviderRequestRejected):
        make_provider(datalink_url=datalink.url, datalink_password="nope").refund_payment(
            "1000000000", Money(500, "USD"), "refund:r1")


def test_refund_needs_the_subscription_id_not_our_reference(ccbill):
    with pytest.raises(ProviderOperationUnsupported):
        ccbill.refund_payment("ccbill_ref_pay_42", Money(500, "USD"), "refund:r1")


def test_refund_without_datalink_credentials_is_misconfigured():
    with pytest.raises(ProviderMisconfigured):
        make_provider(datalink_username="").refund_payment("1000000000", Money(500, "USD"), "refund:r1")


def test_refund_timeout_is_outcome_unknown_not_retryable(datalink):
    datalink.delay_seconds = 1.5
    provider = make_provider(datalink_url=datalink.url, timeout_seconds=0.3)
    with pytest.raises(ProviderOutcomeUnknown) as exc:
        provider.refund_payment("1000000000", Money(500, "USD"), "refund:r1")
    assert exc.value.retryable is False
    assert len(datalink.requests) == 1  # it did reach CCBill: a blind retry could refund twice


def test_refund_connection_refused_is_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = make_provider(datalink_url=f"http://127.0.0.1:{port}/utils/subscriptionManagement.cgi")
    with pytest.raises(ProviderUnavailable) as exc:
        provider.refund_payment("1000000000", Money(500, "USD"), "refund:r1")
    assert exc.value.retryable is True
