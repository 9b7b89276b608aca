"""Whole money journeys through payments.services.purchases, the real ``stripe`` library and the local
fake Stripe, with webhooks signed like Stripe's and delivered to our endpoint. Each ends with the
ledger verified and, where it can, the ledger's processor balance agreeing with the fake's."""

import pytest
from django.utils import timezone

from payments.models import ConnectedAccount, Dispute, Payment, Payout, Refund, TransferReversal, WebhookEvent
from payments.money import Money
from payments.services import ledger, payouts, purchases, reconcile
from payments.services.verify import verify
from telemetry import metrics
from tests.payments_providers.conftest import GB, SECRET, deliver_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_configured")]


deliver = deliver_events


def charge(fan, creator, minor, key, pm="pm_card_visa", **extra):
    return purchases.charge(fan, creator, Money(minor, "GBP"), "ppv", f"post:{key}", key, pm, tax_evidence=GB,
                            content_category="general", **extra)


def pay_out(creator):
    payouts.release_pending()  # PAYOUT_HOLD_DAYS is 0 here
    return payouts.create_payout(creator, "GBP")


def clearing(currency="GBP"):
    return ledger.normal_balance(ledger.clearing(currency)).minor


def available(creator):
    return payouts.available_balance(creator, "GBP").minor


def assert_clean():
    report = verify()
    assert report.ok, report.problems


# --- 1. charge -> refund -> dispute lost -> payout -> transfer reversal ---------------------------------
def test_charge_refund_dispute_payout_and_transfer_reversal(client, fake, fan, creator):
    a = charge(fan, creator, 3000, "k-a").raise_for_status().payment
    b = charge(fan, creator, 2000, "k-b").raise_for_status().payment
    c = charge(fan, creator, 5000, "k-c").raise_for_status().payment
    assert a.status == "succeeded" and a.amount == 3600 and a.tax_amount == 600  # 20% UK VAT on top
    assert a.provider_charge_id.startswith("ch_")
    sent = next(r for r in fake.requests if r.path == "/v1/payment_intents").params
    assert "application_fee_amount" not in sent and "transfer_data" not in sent  # the platform charges
    outcomes = deliver(client, fake)
    assert ("payment_intent.succeeded", "processed") in outcomes
    assert Payment.objects.get(pk=a.pk).sale_records.count() == 1  # the webhook did not post twice

    # A partial refund, from the platform balance.
    refund = purchases.refund(a, Money(1200, "GBP"), "requested_by_customer", idempotency_key="r-a-1")
    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_refund_id.startswith("re_")
    deliver(client, fake)
    a.refresh_from_db()
    assert a.amount_refunded == 1200 and a.refunds.count() == 1

    # The fan's bank disputes b: funds withdrawn, evidence due in a week; then lost.
    dispute_obj = fake.open_dispute(b.provider_payment_id, reason="fraudulent")
    assert ("charge.dispute.created", "processed") in deliver(client, fake)
    dispute = Dispute.objects.get(payment=b)
    assert dispute.status == Dispute.Status.OPEN and dispute.provider_status == "needs_response"
    assert dispute.evidence_due_by and dispute.evidence_due_by > timezone.now()
    fake.close_dispute(dispute_obj["id"], won=False)
    deliver(client, fake)
    dispute.refresh_from_db()
    b.refresh_from_db()
    assert dispute.status == Dispute.Status.LOST and b.amount_charged_back == 2400
    assert_clean()

    # Payout run: one Transfer to the creator's connected account, keyed by the payout.
    owed = payouts.pending_balance(creator, "GBP").minor + available(creator)
    done = payouts.payout_run()
    assert done["paid"] == 1
    payout = Payout.objects.get(creator=creator)
    assert payout.status == Payout.Status.PAID and payout.provider_payout_id.startswith("tr_")
    assert payout.amount == owed == 3000 * 8 // 10 - 1000 * 8 // 10 + 5000 * 8 // 10
    transfer_call = next(r for r in fake.requests if r.path == "/v1/transfers")
    assert transfer_call.headers["idempotency-key"] == f"payout:{payout.public_id}"
    account = ConnectedAccount.objects.get(creator=creator)
    assert fake.balances[(account.account_ref, "gbp")] == payout.amount
    deliver(client, fake)  # transfer.created: nothing to change
    assert available(creator) == 0

    # c is refunded after its share was transferred: the creator's share comes back by a transfer reversal.
    purchases.refund(c, None, "requested_by_customer", idempotency_key="r-c")
    reversal = TransferReversal.objects.get()
    assert reversal.status == TransferReversal.Status.SUCCEEDED and reversal.amount == 4000
    assert reversal.provider_reversal_id.startswith("trr_")
    assert fake.requests[-1].headers["idempotency-key"] == f"transfer-reversal:{reversal.public_id}"
    assert fake.balances[(account.account_ref, "gbp")] == payout.amount - 4000
    assert available(creator) == 0
    deliver(client, fake)  # transfer.reversed: already recorded, not posted twice
    assert TransferReversal.objects.count() == 1
    payout.refresh_from_db()
    assert payout.amount_reversed == 4000
    # The ledger's processor balance is Stripe's, to the penny (the dispute fee is booked as a processing cost).
    assert clearing() == fake.balances[("platform", "gbp")]
    assert Dispute.objects.get(payment=b).fee == 1500
    assert_clean()


def test_dispute_won_reinstates_the_funds(client, fake, fan, creator):
    paid = charge(fan, creator, 2500, "k-w").payment
    dispute_obj = fake.open_dispute(paid.provider_payment_id)
    deliver(client, fake)
    assert clearing() == fake.balances[("platform", "gbp")]  # withdrawn, with Stripe's 15.00 fee
    fake.close_dispute(dispute_obj["id"], won=True)
    outcomes = deliver(client, fake)
    assert ("charge.dispute.funds_reinstated", "processed") in outcomes
    dispute = Dispute.objects.get(payment=paid)
    assert dispute.status == Dispute.Status.WON and dispute.provider_status == "won"
    paid.refresh_from_db()
    assert paid.amount_charged_back == 0
    assert dispute.fee == 0 and clearing() == fake.balances[("platform", "gbp")]  # reinstated, fee given back
    assert_clean()


def test_inquiry_without_withdrawn_funds_posts_nothing(client, fake, fan, creator):
    paid = charge(fan, creator, 2500, "k-i").payment
    dispute_obj = fake.open_dispute(paid.provider_payment_id)
    fake.objects[dispute_obj["id"]]["status"] = "warning_needs_response"
    deliver(client, fake)
    assert not Dispute.objects.exists()


# --- 2. 3-D Secure -----------------------------------------------------------------------------------
def test_three_d_secure_charge_completes_by_webhook(client, fake, fan, creator):
    outcome = charge(fan, creator, 1500, "k-3ds", pm="pm_card_authenticationRequired")
    assert outcome.status == "requires_action"
    assert outcome.client_action["type"] == "stripe_sdk" and outcome.client_action["client_secret"]
    assert not outcome.payment.posted
    deliver(client, fake)
    fake.complete_authentication(outcome.payment.provider_payment_id)
    assert ("payment_intent.succeeded", "processed") in deliver(client, fake)
    payment = Payment.objects.get(pk=outcome.payment.pk)
    assert payment.status == "succeeded" and payment.posted and payment.receipts.count() == 1
    # The replayed event changes nothing.
    event = next(e for e in fake.events if e["type"] == "payment_intent.succeeded")
    payload, headers = fake.signed_event(event, SECRET)
    response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    assert response.content == b"duplicate"
    assert payment.sale_records.count() == 1
    assert_clean()


def test_three_d_secure_failed_challenge_fails_the_payment(client, fake, fan, creator):
    outcome = charge(fan, creator, 1500, "k-3ds-f", pm="pm_card_authenticationRequired")
    fake.complete_authentication(outcome.payment.provider_payment_id, succeed=False)
    deliver(client, fake)
    payment = Payment.objects.get(pk=outcome.payment.pk)
    assert payment.status == "failed" and not payment.posted
    assert_clean()


def test_declined_card_is_a_declined_payment(fan, creator):
    outcome = charge(fan, creator, 1500, "k-dec", pm="pm_card_chargeDeclined")
    assert outcome.status == "failed" and outcome.payment.decline_code == "generic_decline"
    from payments.errors import PaymentDeclined

    with pytest.raises(PaymentDeclined):
        outcome.raise_for_status()


# --- 3. escrow hold -> release -> payout ------------------------------------------------------------
def test_escrow_hold_then_release_then_payout(client, fake, fan, creator):
    held = charge(fan, creator, 4000, "k-esc", escrow=True).payment
    assert held.escrow == "held" and held.status == "succeeded"
    assert payouts.payout_run()["paid"] == 0  # nothing is the creator's yet
    released = purchases.release_escrow(held)
    assert released.escrow == "released"
    with pytest.raises(Exception) as exc:
        purchases.release_escrow(held)  # replay / wrong state
    assert getattr(exc.value, "code", "") == "INVALID_TRANSITION"
    assert payouts.payout_run()["paid"] == 1
    payout = Payout.objects.get()
    assert payout.amount == 3200 and payout.provider_payout_id.startswith("tr_")
    deliver(client, fake)
    assert_clean()


def test_escrow_refunded_in_full_when_not_delivered(fake, fan, creator):
    held = charge(fan, creator, 4000, "k-esc-r", escrow=True).payment
    refund = purchases.refund_escrow(held)
    assert refund.status == "succeeded" and refund.amount == 4800
    held.refresh_from_db()
    assert held.escrow == "refunded"
    assert payouts.payout_run()["paid"] == 0
    assert_clean()


# --- 4. lost answers healed by reconcile ----------------------------------------------------------
def test_lost_payout_answer_is_healed_by_reconcile_with_the_same_key(client, fake, fan, creator):
    charge(fan, creator, 3000, "k-lost-po")
    fake.lose_next_answer("/v1/transfers")
    from payments.errors import ProviderUnavailable

    with pytest.raises(ProviderUnavailable):
        pay_out(creator)
    payout = Payout.objects.get()
    assert payout.status == Payout.Status.CREATED and payout.provider_payout_id == ""
    report = reconcile.reconcile(stale_after_seconds=0)
    assert report["errors"] == 0 and report["repaired"] >= 1
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.provider_payout_id.startswith("tr_")
    transfers = [r for r in fake.requests if r.path == "/v1/transfers"]
    assert len(transfers) == 2 and transfers[1].replayed  # asked again, performed once
    assert len([o for o in fake.objects.values() if o["object"] == "transfer"]) == 1
    assert reconcile.reconcile(stale_after_seconds=0)["repaired"] == 0
    assert_clean()


def test_stranded_payout_is_re_sent_by_retry(fake, fan, creator):
    charge(fan, creator, 3000, "k-stranded")
    fake.lose_next_answer("/v1/transfers")
    with pytest.raises(Exception):
        pay_out(creator)
    payout = Payout.objects.get()
    retried = payouts.retry_payout(payout)
    assert retried.pk == payout.pk and retried.status == Payout.Status.PAID
    with pytest.raises(Exception) as exc:
        payouts.retry_payout(retried)  # paid: nothing to retry
    assert exc.value.code == "INVALID_TRANSITION"
    assert_clean()


def test_lost_charge_answer_is_found_by_reconcile(fake, fan, creator):
    fake.lose_next_answer("/v1/payment_intents")
    from payments.errors import ProviderUnavailable

    with pytest.raises(ProviderUnavailable):
        charge(fan, creator, 1000, "k-lost-pi")
    payment = Payment.objects.get()
    assert payment.status == "created"
    reconcile.reconcile(stale_after_seconds=0)
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.posted
    assert len([o for o in fake.objects.values() if o["object"] == "payment_intent"]) == 1
    assert_clean()


def test_lost_refund_answer_is_healed_by_reconcile(fake, fan, creator):
    paid = charge(fan, creator, 1000, "k-lost-re").payment
    fake.lose_next_answer("/v1/refunds")
    from payments.errors import ProviderUnavailable

    with pytest.raises(ProviderUnavailable):
        purchases.refund(paid, None, "duplicate", idempotency_key="lost-re")
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.CREATED  # never marked failed on a guess
    reconcile.reconcile(stale_after_seconds=0)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert len([o for o in fake.objects.values() if o["object"] == "refund"]) == 1
    assert_clean()


def test_refund_made_in_the_dashboard_is_recorded_from_the_webhook(client, fake, fan, creator):
    paid = charge(fan, creator, 1000, "k-dash").payment
    deliver(client, fake)
    import json
    import urllib.request

    request = urllib.request.Request(f"{fake.url}/v1/refunds", data=f"payment_intent={paid.provider_payment_id}"
                                     "&amount=500".encode(), headers={"Authorization": f"Bearer {fake.api_key}"})
    json.loads(urllib.request.urlopen(request).read())
    deliver(client, fake)
    paid.refresh_from_db()
    assert paid.amount_refunded == 500 and paid.refunds.get().reason == "provider_initiated"
    assert_clean()


def test_transfer_reversed_in_the_dashboard_is_posted_once(client, fake, fan, creator):
    charge(fan, creator, 3000, "k-dash-tr")
    payout = pay_out(creator)
    deliver(client, fake)
    fake.reverse_in_dashboard(payout.provider_payout_id, 1000)
    deliver(client, fake)
    deliver(client, fake)
    payout.refresh_from_db()
    assert payout.amount_reversed == 1000
    assert TransferReversal.objects.get().cause == "provider"
    assert available(creator) == 1000  # back on the creator's balance, to be paid again
    assert reconcile.reconcile(stale_after_seconds=0)["repaired"] == 0
    assert_clean()


# --- Connect account state and the Connect endpoint --------------------------------------------------
def test_account_updated_records_requirements_and_stops_payouts(client, fake, fan, creator):
    account = ConnectedAccount.objects.get(creator=creator)
    fake.require(account.account_ref, ["individual.verification.document"])
    deliver(client, fake)
    account.refresh_from_db()
    assert not account.payouts_enabled
    assert account.requirements_due == ["individual.verification.document"]
    charge(fan, creator, 3000, "k-req")
    assert payouts.payout_run()["paid"] == 0


def test_bank_payouts_of_connected_accounts_are_recorded_not_posted(client, fake, fan, creator):
    charge(fan, creator, 3000, "k-bank")
    pay_out(creator)
    account = ConnectedAccount.objects.get(creator=creator)
    deliver(client, fake)
    before = clearing()
    fake.bank_payout(account.account_ref, fail=True)
    assert deliver(client, fake) == [("payout.failed", "processed")]
    assert clearing() == before
    from governance.models import AuditLog

    assert AuditLog.objects.filter(action="payments.bank_payout_failed").exists()
    assert_clean()


def test_unknown_event_types_are_acknowledged_and_counted(client, fake, fan, creator):
    before = metrics.value("payments.webhook.unhandled_type")
    event = fake.make_event("customer.created", {"id": "cus_x", "object": "customer"})
    payload, headers = fake.signed_event(event, SECRET)
    response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    assert response.status_code == 200
    assert WebhookEvent.objects.get(event_id=event["id"]).status == "ignored"
    assert metrics.value("payments.webhook.unhandled_type") == before + 1


def test_bad_signature_and_other_mode_are_refused(client, fake):
    event = fake.make_event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    payload, headers = fake.signed_event(event, "whsec_wrong")
    response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    assert response.status_code == 400
    live = fake.make_event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"}, livemode=True)
    payload, headers = fake.signed_event(live, SECRET)
    response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    assert response.status_code == 400 and response.content == b"livemode_mismatch"


def test_onboarding_link_reuses_the_account(fake, creator):
    url = payouts.onboarding_link(creator, refresh_url="https://fansub.test/r", return_url="https://fansub.test/ok")
    assert url.startswith("https://connect.stripe.com/")
    assert ConnectedAccount.objects.filter(creator=creator).count() == 1
    assert len([o for o in fake.objects.values() if o["object"] == "account"]) == 1



def test_refund_failing_after_success_is_undone(client, fake, fan, creator, django_capture_on_commit_callbacks):
    from payments import hooks
    from payments.selectors import tax_report

    paid = charge(fan, creator, 1000, "k-refund-fails").payment
    refund = purchases.refund(paid, Money(600, "GBP"), "goodwill", idempotency_key="rf-1")
    deliver(client, fake)
    assert refund.status == Refund.Status.SUCCEEDED
    told = []
    callback = lambda *args: told.append(args)  # noqa: E731
    hooks.register(hooks.REFUND_FAILED, callback)
    try:
        fake.fail_refund(refund.provider_refund_id)
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = deliver(client, fake)
    finally:
        hooks.unregister(hooks.REFUND_FAILED, callback)
    assert ("charge.refund.updated", "processed") in outcomes and ("refund.failed", "processed") in outcomes
    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and paid.amount_refunded == 0
    assert paid.tax_reversed == paid.fee_reversed == paid.creator_reversed == 0
    assert told == [(paid.purpose, paid.reference, str(paid.public_id), str(refund.public_id))]  # once
    (row,) = [r for r in tax_report() if r.country == "GB"]
    assert (row.count, row.refund_count, row.refunded_taxable, row.refunded_tax) == (1, 0, 0, 0)
    assert clearing() == fake.balances[("platform", "gbp")]
    # The payment can be refunded again in full.
    again = purchases.refund(paid, None, "goodwill", idempotency_key="rf-2")
    assert again.status == Refund.Status.SUCCEEDED and again.amount == 1200
    assert_clean()


def test_payout_refused_for_lack_of_platform_balance_fails_and_is_retried(fake, fan, creator):
    charge(fan, creator, 3000, "k-po-refused")
    fake.balances[("platform", "gbp")] = 0  # e.g. the sale settled elsewhere (CCBill) and was not topped up
    payout = pay_out(creator)
    assert payout.status == Payout.Status.FAILED and payout.failure_code == "balance_insufficient"
    assert available(creator) == 2400  # the creator's again
    fake.balances[("platform", "gbp")] = 10_000  # Finance tops up the Stripe balance
    retried = payouts.retry_payout(payout)
    assert retried.retry_of == payout and retried.status == Payout.Status.PAID and retried.amount == 2400
    assert available(creator) == 0
    assert_clean()
