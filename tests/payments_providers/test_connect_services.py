"""Refusals and replays of the Connect services (payouts as transfers, transfer reversals, onboarding,
account.updated) through the Stripe adapter and the local fake."""

import threading

import pytest
from django.db import connections

from common.errors import InvalidTransition
from payments.errors import PayoutNotAllowed
from payments.models import ConnectedAccount, Payout, TransferReversal
from payments.money import Money
from payments.services import payouts, purchases, reconcile
from payments.services.verify import verify
from tests.payments_providers.conftest import GB, SECRET
from tests.payments_providers.conftest import deliver_events as deliver
from tests.payments_providers.test_journeys_stripe import pay_out

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_configured")]


def charge(fan, creator, minor, key):
    return purchases.charge(fan, creator, Money(minor, "GBP"), "ppv", f"post:{key}", key, "pm_card_visa",
                            tax_evidence=GB, content_category="general").payment


def test_redrive_refuses_a_payout_that_has_its_answer(fake, fan, creator):
    charge(fan, creator, 3000, "s-1")
    payout = pay_out(creator)
    with pytest.raises(InvalidTransition):
        payouts.redrive_payout(payout)
    with pytest.raises(InvalidTransition):
        payouts.retry_payout(payout)


def test_nothing_owed_means_no_reversal(fake, fan, creator):
    charge(fan, creator, 3000, "s-2")
    pay_out(creator)
    assert payouts.recover_transferred(creator, "GBP", cause="test") == []
    assert TransferReversal.objects.count() == 0


def test_refused_reversal_releases_its_reservation_and_reconcile_records_the_real_one(fake, fan, creator):
    paid = charge(fan, creator, 3000, "s-3")
    payout = pay_out(creator)
    # Someone reversed the whole transfer in Stripe's dashboard; its webhook has not arrived yet.
    fake.reverse_in_dashboard(payout.provider_payout_id, payout.amount)
    fake.take_events()
    purchases.refund(paid, None, "requested_by_customer", idempotency_key="s-3-r")
    row = TransferReversal.objects.get()
    assert row.status == TransferReversal.Status.FAILED and "greater than the remaining" in row.failure_message
    payout.refresh_from_db()
    assert payout.amount_reversed == 0  # the reservation is released
    assert payouts.available_balance(creator, "GBP").minor == -2400  # still owed (a debit)
    reconcile.reconcile(stale_after_seconds=0)
    payout.refresh_from_db()
    assert payout.amount_reversed == payout.amount
    assert TransferReversal.objects.get(cause="provider").amount == 2400
    assert payouts.available_balance(creator, "GBP").minor == 0
    report = verify()
    assert report.ok, report.problems


def test_lost_reversal_answer_is_re_driven_with_its_key(fake, fan, creator):
    paid = charge(fan, creator, 3000, "s-4")
    pay_out(creator)
    fake.lose_next_answer(f"/v1/transfers/{Payout.objects.get().provider_payout_id}/reversals")
    purchases.refund(paid, None, "requested_by_customer", idempotency_key="s-4-r")
    row = TransferReversal.objects.get()
    assert row.status == TransferReversal.Status.CREATED
    # Asked again (reconcile), it is performed once.
    reconcile.reconcile(stale_after_seconds=0)
    row.refresh_from_db()
    assert row.status == TransferReversal.Status.SUCCEEDED
    assert len([o for o in fake.objects.values() if o["object"] == "transfer_reversal"]) == 1
    assert payouts.available_balance(creator, "GBP").minor == 0
    report = verify()
    assert report.ok, report.problems


def test_onboarding_needs_a_provider_with_hosted_onboarding(db, creator):
    with pytest.raises(PayoutNotAllowed):
        payouts.onboarding_link(creator, refresh_url="https://x.test/r", return_url="https://x.test/ok",
                                provider="simulator")


def test_account_updated_for_an_unknown_account_is_acknowledged(client, fake, creator):
    account = ConnectedAccount.objects.get(creator=creator)
    fake.objects[account.account_ref]["id"] = account.account_ref
    event = fake.make_event("account.updated", {"id": "acct_unknown", "object": "account"}, account="acct_unknown")
    payload, headers = fake.signed_event(event, SECRET)
    response = client.post("/payments/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    assert response.status_code == 200 and response.content == b"ignored"
    assert deliver(client, fake) == []


def _in_parallel(count, target):
    targets = target if isinstance(target, list) else [target] * count
    barrier = threading.Barrier(count)
    results, errors = [], []

    def call(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payouts_make_one_transfer(fake, fan, creator, settings):
    charge(fan, creator, 3000, "p-1")
    payouts.release_pending()
    results, errors = _in_parallel(6, lambda: payouts.create_payout(creator, "GBP"))
    assert len(results) == 1 and all(isinstance(e, PayoutNotAllowed) for e in errors)
    assert len([o for o in fake.objects.values() if o["object"] == "transfer"]) == 1
    report = verify()
    assert report.ok, report.problems


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_recoveries_reverse_what_is_owed_once(fake, fan, creator):
    paid = charge(fan, creator, 3000, "p-2")
    pay_out(creator)
    # The refund's own recovery is the first caller; five more race it.
    targets = [lambda: purchases.refund(paid, None, "requested_by_customer", idempotency_key="p-2-r")]
    targets += [lambda: payouts.recover_transferred(creator.pk, "GBP", cause="race")] * 5
    _results, errors = _in_parallel(6, targets)
    assert errors == []
    payouts.recover_transferred(creator.pk, "GBP", cause="after")
    reversals = [o for o in fake.objects.values() if o["object"] == "transfer_reversal"]
    assert sum(r["amount"] for r in reversals) == 2400
    assert payouts.available_balance(creator, "GBP").minor == 0
    report = verify()
    assert report.ok, report.problems
