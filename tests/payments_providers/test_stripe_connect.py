"""Connect: creator accounts, readiness, destination charges, refunds that unwind the split, payouts."""

import pytest

from payments.money import Money
from payments.providers.base import PaymentRequest
from payments.providers.provider_errors import ProviderRequestRejected


def destination_request(account, key="charge:pay_7", amount=Money(1000, "USD"), fee=Money(200, "USD"), **extra):
    return PaymentRequest(local_payment_id="pay_7", amount=amount, idempotency_key=key, payment_method="pm_card_visa",
                          destination_account=account, application_fee=fee, **extra)


def test_new_express_account_is_not_ready_until_onboarded(gateway, fake_stripe):
    account_id = gateway.create_connected_account("creator-9", "connect-account:creator-9", country="GB")
    sent = fake_stripe.requests[-1].params
    assert sent["type"] == "express" and sent["country"] == "GB"
    assert sent["capabilities"] == {"transfers": {"requested": "true"}}
    assert "settings" not in sent  # the account's own automatic schedule pays the creator's bank

    before = gateway.account_readiness(account_id)
    assert not before.can_receive_destination_charges and not before.can_be_paid_out
    assert not before.charges_enabled and not before.payouts_enabled
    assert "external_account" in before.currently_due
    assert before.disabled_reason == "requirements.past_due"

    fake_stripe.complete_onboarding(account_id)
    after = gateway.account_readiness(account_id)
    assert after.charges_enabled and after.payouts_enabled and after.details_submitted
    assert after.can_receive_destination_charges and after.can_be_paid_out
    assert after.currently_due == ()


def test_onboarding_link_is_stripe_hosted(gateway, ready_creator):
    url = gateway.create_onboarding_link(ready_creator, "https://fansub.test/connect/refresh",
                                         "https://fansub.test/connect/done", "link:creator-1:1")
    assert url.startswith("https://connect.stripe.com/setup/")


def test_onboarding_link_for_unknown_account_is_rejected(gateway):
    with pytest.raises(ProviderRequestRejected):
        gateway.create_onboarding_link("acct_nope", "https://x.test/r", "https://x.test/ok", "link:1")


def test_destination_charge_splits_fee_and_transfer(gateway, fake_stripe, ready_creator):
    result = gateway.create_payment(destination_request(ready_creator))

    assert result.status == "succeeded"
    sent = fake_stripe.requests[-1].params
    assert sent["transfer_data"] == {"destination": ready_creator}
    assert sent["application_fee_amount"] == "200"
    assert "on_behalf_of" not in sent  # the platform stays merchant of record
    assert fake_stripe.balances[(ready_creator, "usd")] == 800


def test_destination_charge_to_unready_creator_is_refused(gateway):
    account_id = gateway.create_connected_account("creator-2", "connect-account:creator-2")
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.create_payment(destination_request(account_id))
    assert exc.value.details["stripe_code"] == "insufficient_capabilities_for_transfer"


@pytest.mark.parametrize("fee", [Money(1001, "USD"), Money(100, "EUR"), Money(-1, "USD")])
def test_bad_application_fee_never_reaches_stripe(gateway, fake_stripe, ready_creator, fee):
    before = len(fake_stripe.requests)
    with pytest.raises(ValueError):
        gateway.create_payment(destination_request(ready_creator, fee=fee))
    assert len(fake_stripe.requests) == before


def test_application_fee_without_destination_is_a_programming_error(gateway):
    with pytest.raises(ValueError):
        gateway.create_payment(destination_request(None))


def test_refund_of_destination_charge_reverses_transfer_and_fee_proportionally(gateway, fake_stripe, ready_creator):
    paid = gateway.create_payment(destination_request(ready_creator))
    refund = gateway.refund_payment(paid.provider_payment_id, Money(500, "USD"), "refund:r1")

    sent = fake_stripe.requests[-1].params
    assert sent["reverse_transfer"] == "true" and sent["refund_application_fee"] == "true"
    assert refund.status == "succeeded" and refund.amount == Money(500, "USD")
    reversal = fake_stripe.objects[refund.raw["transfer_reversal"]]
    assert reversal["amount"] == 500                    # half of the 1000 transferred
    assert fake_stripe.objects[refund.provider_refund_id]["_application_fee_refunded"] == 100  # half of the fee
    # creator: 800 - 500 + 100 = 400, i.e. exactly half of their share remains
    assert fake_stripe.balances[(ready_creator, "usd")] == 400


def test_manual_capture_destination_charge_transfers_only_on_capture(gateway, fake_stripe, ready_creator):
    held = gateway.create_payment(destination_request(ready_creator, key="authorize:pay_7", capture=False))
    assert held.status == "requires_capture"
    assert (ready_creator, "usd") not in fake_stripe.balances
    gateway.capture_payment(held.provider_payment_id, Money(1000, "USD"), "capture:pay_7")
    assert fake_stripe.balances[(ready_creator, "usd")] == 800


def test_separate_transfer_and_its_reversal(gateway, fake_stripe, ready_creator):
    paid = gateway.create_payment(PaymentRequest(local_payment_id="pay_8", amount=Money(3000, "USD"),
                                                 idempotency_key="charge:pay_8", payment_method="pm_card_visa"))
    charge_id = paid.raw["latest_charge"]["id"]
    transfer = gateway.create_transfer(ready_creator, Money(2400, "USD"), "transfer:pay_8",
                                       source_transaction=charge_id, transfer_group="request:8")
    assert transfer.amount == Money(2400, "USD") and transfer.destination == ready_creator
    assert fake_stripe.objects[transfer.provider_transfer_id]["source_transaction"] == charge_id

    reversal = gateway.reverse_transfer(transfer.provider_transfer_id, Money(400, "USD"), "reverse:pay_8")
    assert reversal.amount == Money(400, "USD")
    assert fake_stripe.balances[(ready_creator, "usd")] == 2000
    with pytest.raises(ProviderRequestRejected):
        gateway.reverse_transfer(transfer.provider_transfer_id, Money(2001, "USD"), "reverse:pay_8:2")


def test_payout_is_one_transfer_from_the_platform_balance_keyed_by_our_payout(gateway, fake_stripe, ready_creator):
    gateway.create_payment(PaymentRequest(local_payment_id="pay_9", amount=Money(3000, "USD"),
                                          idempotency_key="payment:pay_9", payment_method="pm_card_visa"))
    payout = gateway.create_payout(ready_creator, Money(800, "USD"), "payout:po_1")

    assert payout.status == "paid" and payout.amount == Money(800, "USD")
    assert payout.provider_payout_id.startswith("tr_")
    sent = fake_stripe.requests[-1]
    assert sent.path == "/v1/transfers" and sent.headers["idempotency-key"] == "payout:po_1"
    assert sent.params["destination"] == ready_creator and "stripe-account" not in sent.headers
    assert fake_stripe.balances[(ready_creator, "usd")] == 800
    again = gateway.create_payout(ready_creator, Money(800, "USD"), "payout:po_1")  # a lost answer, asked again
    assert again.provider_payout_id == payout.provider_payout_id
    assert fake_stripe.balances[(ready_creator, "usd")] == 800
    assert gateway.retrieve_payout(payout.provider_payout_id).status == "paid"


def test_payout_beyond_platform_balance_is_refused(gateway, ready_creator):
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.create_payout(ready_creator, Money(1, "USD"), "payout:po_2")
    assert exc.value.details["stripe_code"] == "balance_insufficient"


def test_payout_to_unonboarded_creator_is_refused(gateway):
    account_id = gateway.create_connected_account("creator-3", "connect-account:creator-3")
    with pytest.raises(ProviderRequestRejected) as exc:
        gateway.create_payout(account_id, Money(100, "USD"), "payout:po_3")
    assert exc.value.details["stripe_code"] == "insufficient_capabilities_for_transfer"


def test_transfer_reversal_is_keyed_and_listed(gateway, fake_stripe, ready_creator):
    gateway.create_payment(PaymentRequest(local_payment_id="pay_10", amount=Money(3000, "USD"),
                                          idempotency_key="payment:pay_10", payment_method="pm_card_visa"))
    payout = gateway.create_payout(ready_creator, Money(2000, "USD"), "payout:po_4")
    reversal = gateway.reverse_payout_transfer(payout.provider_payout_id, Money(500, "USD"), "transfer-reversal:r1")
    assert reversal.amount == Money(500, "USD")
    assert fake_stripe.requests[-1].headers["idempotency-key"] == "transfer-reversal:r1"
    listed = gateway.list_transfer_reversals(payout.provider_payout_id)
    assert [r.provider_reversal_id for r in listed] == [reversal.provider_reversal_id]
    assert listed[0].raw["metadata"] == {"local_reversal": "r1"}
    assert fake_stripe.balances[(ready_creator, "usd")] == 1500


def test_account_status_reports_what_stripe_still_requires(gateway, fake_stripe, ready_creator):
    status = gateway.retrieve_account(ready_creator)
    assert status.payouts_enabled and status.currently_due == ()
    fake_stripe.require(ready_creator, ["individual.verification.document"])
    status = gateway.retrieve_account(ready_creator)
    assert not status.payouts_enabled
    assert status.currently_due == ("individual.verification.document",)


# --- customers and saved cards --------------------------------------------------------------------
def test_saved_card_is_reusable_for_a_later_payment(gateway):
    customer = gateway.create_customer("fan-5", "customer:fan-5", email="fan5@example.test")
    setup = gateway.create_setup_intent(customer, "setup:fan-5:1", payment_method="pm_card_visa")
    assert setup.status == "succeeded" and setup.payment_method.startswith("pm_")

    cards = gateway.list_saved_cards(customer)
    assert [(c.brand, c.last4, c.country) for c in cards] == [("visa", "4242", "US")]

    paid = gateway.create_payment(PaymentRequest(local_payment_id="pay_5", amount=Money(500, "USD"),
                                                 idempotency_key="charge:pay_5", payment_method=setup.payment_method,
                                                 customer_ref=customer))
    assert paid.status == "succeeded"

    gateway.detach_saved_card(setup.payment_method, "detach:" + setup.payment_method)
    assert gateway.list_saved_cards(customer) == []


def test_setup_intent_without_card_returns_client_secret_for_elements(gateway):
    customer = gateway.create_customer("fan-6", "customer:fan-6")
    setup = gateway.create_setup_intent(customer, "setup:fan-6:1")
    assert setup.status == "requires_payment_method"
    assert setup.client_secret.endswith("_secret_fake")


def test_setup_with_3ds_card_requires_action(gateway, fake_stripe):
    customer = gateway.create_customer("fan-7", "customer:fan-7")
    setup = gateway.create_setup_intent(customer, "setup:fan-7:1", payment_method="pm_card_authenticationRequired")
    assert setup.status == "requires_action"
    assert setup.client_action["client_secret"] == setup.client_secret
    fake_stripe.complete_authentication(setup.setup_intent_id)
    assert gateway.retrieve_setup_intent(setup.setup_intent_id).status == "succeeded"


def test_setup_with_declined_card_is_rejected(gateway):
    customer = gateway.create_customer("fan-8", "customer:fan-8")
    with pytest.raises(ProviderRequestRejected):
        gateway.create_setup_intent(customer, "setup:fan-8:1", payment_method="pm_card_chargeDeclined")


def test_someone_elses_saved_card_is_refused(gateway):
    owner = gateway.create_customer("fan-a", "customer:fan-a")
    other = gateway.create_customer("fan-b", "customer:fan-b")
    setup = gateway.create_setup_intent(owner, "setup:fan-a:1", payment_method="pm_card_visa")
    with pytest.raises(ProviderRequestRejected):
        gateway.create_payment(PaymentRequest(local_payment_id="pay_x", amount=Money(500, "USD"),
                                              idempotency_key="charge:pay_x", payment_method=setup.payment_method,
                                              customer_ref=other))
