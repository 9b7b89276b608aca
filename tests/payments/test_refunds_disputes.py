import pytest

from common.errors import ValidationFailed
from payments.errors import IdempotencyConflict, InvalidAmount, RefundNotAllowed
from payments.models import Dispute, LedgerTransaction, Payment, Receipt, Refund
from payments.money import Money
from payments.providers.simulator import SimulatorProvider
from payments.services import ledger, payouts, purchases
from payments.services.verify import verify
from payments.tax.location import TaxEvidence
from telemetry.models import OutboxEvent
from tests.payments.conftest import DISPUTE_CARD, GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db
CONFIRMED_GB = TaxEvidence(billing_country="GB", ip_country="GB", confirmed_country="GB")


def _paid(fan, creator, minor=1000, key="k1"):
    return purchases.charge(fan, creator, gbp(minor), "ppv", "post-1", key, GB_CARD, tax_evidence=GB).payment


def test_partial_then_full_refund_takes_back_exactly_tax_fee_and_share(fan, creator):
    payment = _paid(fan, creator, 999)  # gross 1199, tax 200, fee 200, creator 799
    first = purchases.refund(payment, gbp(333), "requested_by_customer", idempotency_key="r1", note="late post")
    assert first.status == "succeeded"
    assert (first.tax_amount, first.fee_amount, first.creator_amount) == (56, 56, 221)
    second = purchases.refund(payment, None, "goodwill", idempotency_key="r2")
    payment.refresh_from_db()
    assert second.amount == 1199 - 333 and payment.refundable.minor == 0
    assert (payment.tax_reversed, payment.fee_reversed, payment.creator_reversed) == (200, 200, 799)
    assert ledger.normal_balance(ledger.tax_payable("GB", "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.platform_revenue("GBP")) - ledger.normal_balance(ledger.refunds("GBP")) == \
        gbp(0)
    notes = Receipt.objects.filter(kind="credit_note").order_by("sequence")
    assert [n.total for n in notes] == [-333, -866]
    original = payment.receipts.get(kind="receipt")
    assert all(n.original_id == original.pk for n in notes)
    assert notes[0].number == f"CN-{notes[0].issued_at.year}-000001"
    assert OutboxEvent.objects.filter(event_type="payment.refunded").count() == 2
    assert verify().ok


def test_refund_refusals(fan, creator):
    payment = _paid(fan, creator, 1000)
    with pytest.raises(RefundNotAllowed):
        purchases.refund(payment, gbp(1201), "goodwill", idempotency_key="too-much")
    with pytest.raises(InvalidAmount):
        purchases.refund(payment, Money(100, "EUR"), "goodwill", idempotency_key="wrong-currency")
    with pytest.raises(ValidationFailed):
        purchases.refund(payment, gbp(100), "because I said so", idempotency_key="bad-reason")
    with pytest.raises(RefundNotAllowed):
        purchases.refund(payment, gbp(0), "goodwill", idempotency_key="zero")
    purchases.refund(payment, gbp(100), "goodwill", idempotency_key="ok")
    assert purchases.refund(payment, gbp(100), "goodwill", idempotency_key="ok").amount == 100  # replay
    with pytest.raises(IdempotencyConflict):
        purchases.refund(payment, gbp(200), "goodwill", idempotency_key="ok")
    assert Refund.objects.count() == 1
    declined = purchases.charge(fan, creator, gbp(500), "tip", "t", "k-declined", "4000000000000002",
                                tax_evidence=CONFIRMED_GB).payment
    with pytest.raises(RefundNotAllowed):
        purchases.refund(declined, None, "goodwill", idempotency_key="declined")


def test_refund_after_release_debits_available_balance(fan, creator):
    from datetime import timedelta

    from django.utils import timezone

    payment = _paid(fan, creator, 1000)
    assert payouts.release_pending(now=timezone.now() + timedelta(days=8)) == 1
    assert payouts.available_balance(creator, "GBP") == gbp(800)
    purchases.refund(payment, None, "goodwill", idempotency_key="r")
    assert payouts.available_balance(creator, "GBP") == gbp(0)
    assert payouts.pending_balance(creator, "GBP") == gbp(0)
    assert verify().ok


def _deliver(callbacks):
    for callback in callbacks:
        callback()


def test_dispute_opened_then_lost(fan, creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", DISPUTE_CARD,
                                   tax_evidence=CONFIRMED_GB).payment
    dispute = Dispute.objects.get(payment=payment)
    assert dispute.status == "open" and dispute.amount == 1200
    assert ledger.normal_balance(ledger.disputes("GBP")) == gbp(1200)
    with pytest.raises(RefundNotAllowed):
        purchases.refund(payment, None, "goodwill", idempotency_key="during-dispute")
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().close_dispute(payment.provider_payment_id, won=False)
    dispute.refresh_from_db()
    payment.refresh_from_db()
    assert dispute.status == "lost" and payment.amount_charged_back == 1200 and payment.refundable.minor == 0
    assert ledger.normal_balance(ledger.disputes("GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.tax_payable("GB", "GBP")) == gbp(0)
    kinds = list(LedgerTransaction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["charge", "dispute_opened", "dispute_lost"]
    outcomes = [e.envelope["payload"].get("outcome") for e in OutboxEvent.objects.filter(
        event_type__startswith="payment.dispute").order_by("id")]
    assert outcomes == [None, "lost"]
    assert verify().ok


def test_dispute_won_reinstates_funds(fan, creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", DISPUTE_CARD,
                                   tax_evidence=CONFIRMED_GB).payment
    clearing_before = ledger.balance(ledger.clearing("GBP"))
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().close_dispute(payment.provider_payment_id, won=True)
    assert Dispute.objects.get().status == "won"
    assert ledger.balance(ledger.clearing("GBP")) == clearing_before + gbp(1200)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "GBP")) == gbp(800)
    assert ledger.normal_balance(ledger.disputes("GBP")) == gbp(0)
    # A redelivered close changes nothing.
    purchases.refresh_from_provider(Payment.objects.get())
    assert LedgerTransaction.objects.filter(kind="dispute_won").count() == 1
    assert verify().ok
