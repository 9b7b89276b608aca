"""Adult purchases through payments.services.purchases and the CCBill adapter: the hosted form, the
postbacks CCBill sends (delivered to our endpoint from CCBill's networks), DataLink refunds against
the local fake, each journey ending with the ledger verified. Postbacks are processed without any
re-fetch (CCBill has no look-up by our reference)."""

import pytest

from payments import hooks
from payments.models import Dispute, Payment, Refund, WebhookEvent
from payments.money import Money
from payments.providers import registry
from payments.services import purchases
from payments.services.verify import verify
from payments.tax.location import TaxEvidence
from telemetry import metrics
from tests.factories import make_creator, make_fan
from tests.payments_providers.ccbill_steps import post_event
from tests.payments_providers.fake_ccbill import FakeCCBill, FakeDataLink

pytestmark = pytest.mark.django_db
GB = TaxEvidence(billing_country="GB", card_country="GB")
SALT = "7d901dad245fd0ff6bc20d06"


@pytest.fixture
def datalink():
    fake = FakeDataLink().start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def ccbill_configured(settings, datalink):
    settings.PAYMENTS_ROUTING = {"default": "simulator", "adult": "ccbill"}
    settings.CCBILL_CLIENT_ACCNUM = "900100"
    settings.CCBILL_CLIENT_SUBACC = "0000"
    settings.CCBILL_FLEXFORM_ID = "687fa3e0-e60d-4466-88e2-181fa56dd6a9"
    settings.CCBILL_SALT = SALT
    settings.CCBILL_DATALINK_URL = datalink.url
    settings.CCBILL_DATALINK_USERNAME = datalink.username
    settings.CCBILL_DATALINK_PASSWORD = datalink.password
    settings.CCBILL_WEBHOOK_TOKEN = ""
    settings.CCBILL_LIVEMODE = False
    settings.PAYMENTS_LIVEMODE = False
    settings.PLATFORM_FEE_PERCENT = 20
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def ccbill():
    return FakeCCBill(salt=SALT)


@pytest.fixture
def fan(db):
    return make_fan(country="GB")


@pytest.fixture
def creator(db):
    return make_creator(adult=True)


def charge(fan, creator, minor, key, **extra):
    return purchases.charge(fan, creator, Money(minor, "USD"), "ppv", f"post:{key}", key, "ccbill-hosted",
                            tax_evidence=GB, content_category="adult", **extra)


def sold(client, ccbill, fan, creator, minor, key, **extra):
    outcome = charge(fan, creator, minor, key, **extra)
    response = ccbill.post(client, ccbill.complete_form(outcome.client_action["url"]))
    assert response.status_code == 200 and response.content == b"processed", response.content
    return Payment.objects.get(pk=outcome.payment.pk)


def assert_clean():
    report = verify()
    assert report.ok, report.problems


def test_sale_refund_and_chargeback(client, ccbill, datalink, fan, creator):
    outcome = charge(fan, creator, 2500, "c-1")
    assert outcome.status == "requires_action" and outcome.client_action["type"] == "redirect"
    assert not datalink.requests  # nothing reaches CCBill before the fan pays on its page
    postback = ccbill.complete_form(outcome.client_action["url"])
    response = ccbill.post(client, postback)
    assert response.status_code == 200 and response.content == b"processed"
    payment = Payment.objects.get(pk=outcome.payment.pk)
    assert payment.status == "succeeded" and payment.posted and payment.amount == 3000
    subscription_id = postback["body"]["subscriptionId"]
    assert payment.provider_charge_id == subscription_id
    assert ccbill.post(client, postback).content == b"duplicate"  # replayed postback
    assert payment.sale_records.count() == 1

    # A partial refund through DataLink, by the sale's subscriptionId; CCBill's Refund postback follows.
    refund = purchases.refund(payment, Money(1000, "USD"), "requested_by_customer", idempotency_key="cr-1")
    assert refund.status == Refund.Status.SUCCEEDED
    assert datalink.requests[-1]["action"] == "refundTransaction"
    assert datalink.requests[-1]["subscriptionId"] == subscription_id
    assert datalink.requests[-1]["amount"] == "10.00"
    response = ccbill.post(client, ccbill.event("Refund", subscription_id, amount="10.00"))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.amount_refunded == 1000 and payment.refunds.count() == 1  # matched, not counted twice
    assert payment.refunds.get().provider_refund_id.startswith("ccbill_txn_")

    # The rest is charged back: funds taken at once (opened and lost).
    response = ccbill.post(client, ccbill.event("Chargeback", subscription_id, amount="20.00",
                                                reason="Fraudulent transaction"))
    assert response.content == b"processed"
    dispute = Dispute.objects.get(payment=payment)
    assert dispute.status == Dispute.Status.LOST and dispute.amount == 2000
    payment.refresh_from_db()
    assert payment.amount_charged_back == 2000 and payment.refundable.minor == 0
    assert_clean()


def test_sale_failure_fails_the_payment(client, ccbill, fan, creator):
    outcome = charge(fan, creator, 2500, "c-fail")
    response = ccbill.post(client, ccbill.complete_form(outcome.client_action["url"], fail=True))
    assert response.content == b"processed"
    payment = Payment.objects.get(pk=outcome.payment.pk)
    assert payment.status == "failed" and payment.decline_code == "24" and not payment.posted


def test_sale_for_another_amount_is_not_credited(client, ccbill, fan, creator):
    outcome = charge(fan, creator, 2500, "c-amount")
    postback = ccbill.complete_form(outcome.client_action["url"])
    postback["body"]["billedInitialPrice"] = "1.00"
    before = metrics.value("payments.webhook.amount_mismatch")
    response = ccbill.post(client, postback)
    assert response.status_code == 200 and response.content == b"ignored"
    assert Payment.objects.get(pk=outcome.payment.pk).status == "requires_action"
    assert metrics.value("payments.webhook.amount_mismatch") == before + 1


@pytest.mark.parametrize("change", ["sender", "digest", "account"])
def test_unauthenticated_postbacks_are_refused(client, ccbill, fan, creator, change):
    outcome = charge(fan, creator, 2500, f"c-auth-{change}")
    postback = ccbill.complete_form(outcome.client_action["url"])
    remote = None
    if change == "sender":
        remote = "203.0.113.9"
    elif change == "digest":
        postback["body"]["dynamicPricingValidationDigest"] = "0" * 32
    else:
        postback["body"]["clientAccnum"] = "900999"
    response = ccbill.post(client, postback, remote_addr=remote)
    assert response.status_code == 400 and response.content == b"invalid_signature"
    assert Payment.objects.get(pk=outcome.payment.pk).status == "requires_action"


def test_url_token_is_required_when_configured(client, settings, ccbill, fan, creator):
    settings.CCBILL_WEBHOOK_TOKEN = "s3cret-token"
    registry.reset()
    outcome = charge(fan, creator, 2500, "c-token")
    postback = ccbill.complete_form(outcome.client_action["url"])
    assert ccbill.post(client, postback, token="wrong").status_code == 400
    assert ccbill.post(client, postback, token="s3cret-token").status_code == 200


def test_void_and_refund_made_at_ccbill_are_recorded(client, ccbill, fan, creator):
    payment = sold(client, ccbill, fan, creator, 2500, "c-void")
    other = sold(client, ccbill, fan, creator, 1000, "c-ext")
    response = ccbill.post(client, ccbill.event("Void", payment.provider_charge_id), as_form=True)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.amount_refunded == 3000 and payment.refunds.get().reason == "provider_initiated"
    ccbill.post(client, ccbill.event("Refund", other.provider_charge_id, amount="5.00"))
    other.refresh_from_db()
    assert other.amount_refunded == 500
    assert_clean()


def test_refund_postback_for_an_unknown_sale_is_acknowledged(client, ccbill):
    response = ccbill.post(client, ccbill.event("Refund", "1999999999", amount="5.00"))
    assert response.status_code == 200 and response.content == b"ignored"


def test_renewals_and_subscription_changes(client, ccbill, fan, creator, django_capture_on_commit_callbacks):
    first = sold(client, ccbill, fan, creator, 2500, "c-sub")
    renewal = ccbill.event("RenewalSuccess", first.provider_charge_id, amount="30.00")
    assert ccbill.post(client, renewal).content == b"processed"
    assert ccbill.post(client, renewal).content == b"duplicate"
    renewed = Payment.objects.exclude(pk=first.pk).get()
    assert renewed.status == "succeeded" and renewed.posted and renewed.amount == first.amount
    assert renewed.reference == first.reference and renewed.receipts.count() == 1

    seen = []
    callback = lambda *args: seen.append(args)  # noqa: E731
    hooks.register(hooks.PROVIDER_SUBSCRIPTION_CHANGED, callback)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for kind in ("RenewalFailure", "Cancellation", "Expiration"):
                assert ccbill.post(client, ccbill.event(kind, first.provider_charge_id)).status_code == 200
    finally:
        hooks.unregister(hooks.PROVIDER_SUBSCRIPTION_CHANGED, callback)
    assert [s[3] for s in seen] == ["renewal_failed", "cancelled", "expired"]
    assert Payment.objects.count() == 2  # no money moved
    assert_clean()


def test_escrow_on_ccbill_is_held_by_the_ledger(client, ccbill, fan, creator):
    payment = sold(client, ccbill, fan, creator, 4000, "c-esc", escrow=True)
    assert payment.escrow == "held"
    refund = purchases.refund_escrow(payment)
    assert refund.status == "succeeded" and refund.amount == 4800
    payment.refresh_from_db()
    assert payment.escrow == "refunded"
    assert_clean()


def test_unknown_ccbill_event_is_acknowledged(client, ccbill, fan, creator):
    payment = sold(client, ccbill, fan, creator, 1000, "c-unknown")
    response = ccbill.post(client, ccbill.event("UserReactivation", payment.provider_charge_id))
    assert response.status_code == 200
    assert WebhookEvent.objects.filter(event_type="ccbill.UserReactivation", status="ignored").exists()


def test_sender_behind_trusted_proxies_is_read_from_the_right(client, settings, ccbill, fan, creator):
    settings.PAYMENTS_WEBHOOK_PROXY_HOPS = 1
    outcome = charge(fan, creator, 2500, "c-proxy")
    postback = ccbill.complete_form(outcome.client_action["url"])
    spoofed = ccbill.post(client, postback, remote_addr="10.0.0.2",
                          HTTP_X_FORWARDED_FOR="64.38.212.17, 203.0.113.5")  # the client wrote the left one
    assert spoofed.status_code == 400
    real = ccbill.post(client, postback, remote_addr="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 64.38.212.17")
    assert real.status_code == 200 and real.content == b"processed"


def test_sale_after_a_declined_attempt_on_the_same_form_is_recorded(client, ccbill, fan, creator):
    outcome = charge(fan, creator, 2500, "c-retry")
    assert ccbill.post(client, ccbill.complete_form(outcome.client_action["url"], fail=True)).status_code == 200
    assert Payment.objects.get(pk=outcome.payment.pk).status == "failed"
    # The fan tries another card on CCBill's page: the money is taken, so it is recorded.
    assert ccbill.post(client, ccbill.complete_form(outcome.client_action["url"])).content == b"processed"
    payment = Payment.objects.get(pk=outcome.payment.pk)
    assert payment.status == "succeeded" and payment.posted and payment.decline_code == ""
    assert_clean()


def test_ccbill_postbacks_renew_dun_cancel_and_expire_the_subscription(client, ccbill, fan, creator,
                                                                          django_capture_on_commit_callbacks):
    """RenewalSuccess/RenewalFailure become the subscription's renewal and dunning, Cancellation and Expiration
    end it, through the hook the subscriptions app listens on."""
    from tests.factories import make_subscription, make_tier

    tier = make_tier(creator, price_minor=2500)
    sub = make_subscription(fan, tier, days_left=0, payment_method="ccbill-hosted")
    outcome = purchases.charge(fan, creator, Money(2500, "USD"), "subscription", f"subscription:{sub.pk}", "c-rs",
                               "ccbill-hosted", tax_evidence=GB, content_category="adult")
    assert ccbill.post(client, ccbill.complete_form(outcome.client_action["url"])).content == b"processed"
    first = Payment.objects.get(pk=outcome.payment.pk)
    end, sale_id = sub.current_period_end, first.provider_charge_id
    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "RenewalSuccess", sale_id,
                     amount="30.00", content=b"processed")
    assert sub.status == "active" and sub.renewal_count == 1 and sub.current_period_end > end
    assert Payment.objects.exclude(pk=first.pk).get().purpose == "subscription_renewal"
    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "RenewalFailure", sale_id)
    assert sub.status == "past_due" and sub.failed_attempts == 1
    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "Cancellation", sale_id)
    assert sub.status == "canceled" and not sub.renews
    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "Expiration", sale_id)
    assert sub.status == "expired"
    assert_clean()
