import pytest

from common.errors import InvalidTransition, PermissionDeniedError, ProviderOutcomeUnknown, ValidationFailed
from payments import hooks
from payments.errors import (
    IdempotencyConflict,
    InvalidAmount,
    PaymentDeclined,
    TaxLocationConflict,
)
from payments.models import LedgerTransaction, Payment, Receipt, SaleRecord
from payments.money import Money
from payments.providers import registry
from payments.services import ledger, purchases
from payments.services.verify import verify
from payments.tax.location import TaxEvidence
from telemetry.models import OutboxEvent
from tests.factories import make_creator
from tests.payments.conftest import (
    DE,
    DE_CARD,
    DECLINE_CARD,
    GB,
    GB_CARD,
    THREE_DS_CARD,
    US_CARD,
    US_TX,
    gbp,
)

pytestmark = pytest.mark.django_db


def _charge(fan, creator, minor=1000, key="k1", card=GB_CARD, evidence=GB, **kw):
    return purchases.charge(fan, creator, Money(minor, kw.pop("currency", "GBP")), kw.pop("purpose", "tip"),
                            kw.pop("reference", "ref-1"), key, card, tax_evidence=evidence, **kw)


def test_charge_posts_ledger_issues_receipt_and_emits_event(fan, creator):
    outcome = _charge(fan, creator, 1000)
    payment = outcome.payment
    assert outcome.succeeded and not outcome.replayed
    assert (payment.amount, payment.net_amount, payment.tax_amount) == (1200, 1000, 200)
    assert (payment.platform_fee, payment.creator_amount) == (200, 800)
    assert payment.processor_fee == 65  # 2.9% of 12.00 + 0.30, rounded half-up
    assert payment.payment_method_label == "visa •••• 0000" and payment.tax_country == "GB"
    [txn] = LedgerTransaction.objects.filter(kind="charge")
    entries = {(e.account.type, e.account.jurisdiction): e.amount for e in txn.entries.select_related("account")}
    assert entries[("tax_payable", "GB")] == -200
    assert entries[("platform_revenue", "")] == -200
    assert entries[("creator_pending", "")] == -800
    assert entries[("processor_fees", "")] == 65
    assert ledger.balance(ledger.clearing("GBP")) == gbp(1200 - 65)
    receipt = outcome.receipt
    assert receipt.number.startswith("R-") and receipt.total == 1200 and receipt.tax_total == 200
    assert receipt.buyer_handle == fan.handle and receipt.tax_lines[0]["rate"] == "0.20"
    assert receipt.fee_disclosure["platform_fee"] == 200
    [event] = OutboxEvent.objects.filter(event_type="payment.charge_succeeded")
    assert event.envelope["payload"]["amount_minor"] == 1200
    from telemetry.pseudonyms import pseudonym

    assert event.envelope["payload"]["fan_id"] == pseudonym("user", fan.pk)  # pseudonymous ids only
    sale = SaleRecord.objects.get(payment=payment)
    assert sale.evidence["card_country"] == "GB" and sale.evidence["billing_country"] == "GB"
    assert verify().ok


def test_card_country_comes_from_the_provider_as_evidence(fan, creator):
    # Billing GB + IP GB would do, but the US card contradicts it: refused, nothing written.
    with pytest.raises(TaxLocationConflict):
        _charge(fan, creator, card=US_CARD, evidence=TaxEvidence(billing_country="GB", ip_country="GB"))
    assert Payment.objects.count() == 0
    confirmed = TaxEvidence(billing_country="GB", ip_country="GB", confirmed_country="GB")
    assert _charge(fan, creator, card=US_CARD, evidence=confirmed, key="k2").succeeded


def test_eu_and_us_tax_go_to_their_jurisdictions(fan, creator):
    _charge(fan, creator, 1000, key="de", card=DE_CARD, evidence=DE, currency="EUR")
    _charge(fan, creator, 1000, key="tx", card=US_CARD, evidence=US_TX, currency="USD")
    assert ledger.normal_balance(ledger.tax_payable("DE", "EUR")) == Money(190, "EUR")
    assert ledger.normal_balance(ledger.tax_payable("US-TX", "USD")) == Money(63, "USD")  # 62.5 -> 63


def test_prices_can_include_tax(fan, creator, settings):
    settings.TAX_PRICES_INCLUDE_TAX = True
    payment = _charge(fan, creator, 1200).payment
    assert (payment.amount, payment.net_amount, payment.tax_amount) == (1200, 1000, 200)
    assert payment.platform_fee == 200 and payment.prices_include_tax


def test_fee_percent_is_a_setting(fan, creator, settings):
    settings.PLATFORM_FEE_PERCENT = "12.5"
    payment = _charge(fan, creator, 999).payment
    assert payment.platform_fee == 125 and payment.creator_amount == 874  # 124.875 -> 125


def test_jpy_charge(fan, creator):
    evidence = TaxEvidence(billing_country="JP", ip_country="JP", confirmed_country="JP")  # the test card is US
    payment = _charge(fan, creator, 1500, card="pm_card_visa", evidence=evidence, currency="JPY",
                      content_category="general").payment
    assert payment.amount == 1500 and payment.tax_amount == 0 and payment.platform_fee == 300
    assert payment.processor_fee == 44  # 2.9% of 1500 = 43.5 -> 44; no fixed part for a zero-decimal currency


def test_declined_card_records_failure_and_emits_event(fan, creator):
    outcome = _charge(fan, creator, card=DECLINE_CARD, evidence=TaxEvidence(billing_country="GB", ip_country="GB",
                                                                               confirmed_country="GB"))
    assert outcome.status == "failed" and outcome.payment.decline_code == "card_declined"
    with pytest.raises(PaymentDeclined) as exc:
        outcome.raise_for_status()
    assert exc.value.code == "PAYMENT_DECLINED"
    assert LedgerTransaction.objects.count() == 0 and Receipt.objects.count() == 0
    assert SaleRecord.objects.count() == 0  # a declined attempt is no sale
    assert OutboxEvent.objects.filter(event_type="payment.charge_failed").count() == 1


def test_charging_inside_a_callers_transaction_is_refused(fan, creator):
    from django.db import transaction

    with pytest.raises(RuntimeError, match="must not be called inside"), transaction.atomic():
        _charge(fan, creator)
    payment = _charge(fan, creator).payment
    with pytest.raises(RuntimeError), transaction.atomic():
        purchases.refund(payment, None, "goodwill", idempotency_key="r")
    assert Payment.objects.count() == 1


def test_refusals_before_anything_is_written(fan, creator):
    with pytest.raises(InvalidAmount):
        _charge(fan, creator, 0)
    with pytest.raises(ValidationFailed):
        _charge(fan, creator, purpose="Not A Slug")
    with pytest.raises(ValidationFailed):
        _charge(fan, creator, key="")
    with pytest.raises(PermissionDeniedError) as exc:
        _charge(fan, fan)
    assert exc.value.code == "SELF_PAYMENT"
    with pytest.raises(ValidationFailed):
        _charge(fan, creator, capture=False, escrow=True)
    assert Payment.objects.count() == 0


def test_same_key_same_request_replays_the_first_result(fan, creator):
    first = _charge(fan, creator)
    again = _charge(fan, creator)
    assert again.replayed and again.payment.pk == first.payment.pk
    assert Payment.objects.count() == 1 and LedgerTransaction.objects.count() == 1 and Receipt.objects.count() == 1


def test_same_key_different_request_is_a_conflict(fan, creator):
    _charge(fan, creator, 1000)
    with pytest.raises(IdempotencyConflict) as exc:
        _charge(fan, creator, 1500)
    assert exc.value.code == "IDEMPOTENCY_CONFLICT" and exc.value.status == 409
    with pytest.raises(IdempotencyConflict):
        _charge(fan, creator, 1000, card=DE_CARD)
    # Keys are per fan: another fan may use the same key.
    from tests.factories import make_fan

    assert _charge(make_fan(), creator, 1000).succeeded


def test_three_d_secure_completes_through_the_simulator_page(fan, creator, client, django_capture_on_commit_callbacks):
    outcome = _charge(fan, creator, card=THREE_DS_CARD,
                      evidence=TaxEvidence(billing_country="GB", ip_country="GB", confirmed_country="GB"))
    assert outcome.status == "requires_action"
    url = outcome.client_action["url"]
    assert outcome.client_action["type"] == "redirect" and "/payments/simulator/3ds/" in url
    assert LedgerTransaction.objects.count() == 0
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/" + path, {"decision": "complete"})
    assert response.status_code == 200
    payment = Payment.objects.get()
    assert payment.status == "succeeded" and payment.posted and payment.receipts.count() == 1
    assert LedgerTransaction.objects.filter(kind="charge").count() == 1  # webhook + page: applied once
    assert verify().ok


def test_three_d_secure_failure(fan, creator, client):
    outcome = _charge(fan, creator, card=THREE_DS_CARD,
                      evidence=TaxEvidence(billing_country="GB", ip_country="GB", confirmed_country="GB"))
    path = "/" + outcome.client_action["url"].split("://", 1)[1].split("/", 1)[1]
    client.post(path, {"decision": "fail"})
    payment = Payment.objects.get()
    assert payment.status == "failed" and payment.decline_code == "authentication_failed"
    assert client.get(path.replace("/3ds/", "/3ds/x")).status_code == 404  # tampered token


def test_authorize_then_capture(fan, creator):
    outcome = _charge(fan, creator, capture=False)
    assert outcome.authorized and LedgerTransaction.objects.count() == 0 and Receipt.objects.count() == 0
    payment = purchases.capture(outcome.payment)
    assert payment.status == "succeeded" and payment.posted and payment.receipts.count() == 1
    with pytest.raises(InvalidTransition):
        purchases.capture(payment)
    assert verify().ok


def test_void_an_authorization(fan, creator):
    outcome = _charge(fan, creator, capture=False)
    payment = purchases.void(outcome.payment, reason="request declined")
    assert payment.status == "canceled" and LedgerTransaction.objects.count() == 0
    with pytest.raises(InvalidTransition):
        purchases.void(payment)
    with pytest.raises(InvalidTransition):
        purchases.capture(payment)


def test_void_after_capture_is_refused(fan, creator):
    payment = _charge(fan, creator).payment
    with pytest.raises(InvalidTransition):
        purchases.void(payment)


def test_escrow_hold_then_release(fan, creator):
    payment = _charge(fan, creator, escrow=True, purpose="custom_request").payment
    assert payment.escrow == "held"
    assert ledger.normal_balance(ledger.escrow(creator.pk, "GBP")) == gbp(1000)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "GBP")) == gbp(0)
    payment = purchases.release_escrow(payment, reason="delivered")
    assert payment.escrow == "released"
    assert ledger.normal_balance(ledger.escrow(creator.pk, "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.creator_pending(creator.pk, "GBP")) == gbp(800)
    assert ledger.normal_balance(ledger.platform_revenue("GBP")) == gbp(200)
    with pytest.raises(InvalidTransition):
        purchases.release_escrow(payment)
    with pytest.raises(InvalidTransition):
        purchases.refund_escrow(payment)
    assert verify().ok


def test_escrow_refund_returns_everything(fan, creator):
    payment = _charge(fan, creator, escrow=True, purpose="custom_request").payment
    refund = purchases.refund_escrow(payment)
    payment.refresh_from_db()
    assert refund.amount == 1200 and payment.escrow == "refunded" and payment.refundable.minor == 0
    assert ledger.normal_balance(ledger.escrow(creator.pk, "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.tax_payable("GB", "GBP")) == gbp(0)
    assert ledger.normal_balance(ledger.platform_revenue("GBP")) == gbp(0)
    assert payment.receipts.filter(kind="credit_note").count() == 1
    with pytest.raises(InvalidTransition):
        purchases.release_escrow(payment)
    assert verify().ok


def test_routing_by_content_category(fan, settings):
    settings.PAYMENTS_ROUTING = {"default": "simulator", "adult": "adult_sim"}
    settings.PAYMENTS_PROVIDER_CLASSES = {"adult_sim": "tests.payments.test_charges.AdultSimulator"}
    registry.reset()
    adult = make_creator(adult=True)
    general = make_creator()
    assert registry.category_of(adult) == "adult" and registry.category_of(general) == "general"
    assert _charge(fan, adult, key="a").payment.provider == "adult_sim"
    assert _charge(fan, general, key="g").payment.provider == "simulator"


def test_category_falls_back_to_general_without_a_hook(fan, creator):
    from fansub.purchases import payment_hooks as payments_hooks

    hooks.unregister(hooks.CREATOR_CONTENT_CATEGORY, payments_hooks.content_category)
    try:
        assert registry.category_of(creator) == "general"
    finally:
        hooks.register(hooks.CREATOR_CONTENT_CATEGORY, payments_hooks.content_category)


class AdultSimulator:
    """Stands in for the high-risk adapter in routing tests."""

    def __init__(self):
        from payments.providers.simulator import SimulatorProvider

        self._inner = SimulatorProvider()
        self.name = "adult_sim"

    def __getattr__(self, item):
        return getattr(self._inner, item)


class BrokenProvider:
    name = "broken"

    def create_payment(self, request):
        raise ConnectionError("network down")


def test_provider_outage_leaves_a_write_ahead_row(fan, creator, settings):
    settings.PAYMENTS_ROUTING = {"default": "broken", "adult": "broken"}
    settings.PAYMENTS_PROVIDER_CLASSES = {"broken": "tests.payments.test_charges.BrokenProvider"}
    registry.reset()
    # An untranslated error is an unknown outcome, not a "retry": the row stays written-ahead for reconcile.
    with pytest.raises(ProviderOutcomeUnknown) as error:
        _charge(fan, creator, evidence=TaxEvidence(billing_country="GB", ip_country="GB"))
    assert error.value.retryable is False and error.value.code == "PAYMENT_PROVIDER_OUTCOME_UNKNOWN"
    payment = Payment.objects.get()
    assert payment.status == "created" and LedgerTransaction.objects.count() == 0


def test_a_retry_after_a_lost_answer_recovers_without_charging_twice(fan, creator, settings, monkeypatch):
    from payments.models import SimulatorObject

    settings.PAYMENTS_IDEMPOTENCY_WAIT_SECONDS = 0
    sim = registry.get("simulator")
    real = sim.create_payment

    def lost_answer(request):
        real(request)
        raise TimeoutError("read timed out")

    monkeypatch.setattr(sim, "create_payment", lost_answer)
    with pytest.raises(ProviderOutcomeUnknown):
        _charge(fan, creator)
    monkeypatch.setattr(sim, "create_payment", real)
    retry = _charge(fan, creator)
    assert retry.replayed and retry.succeeded
    assert SimulatorObject.objects.filter(kind="payment_intent").count() == 1
    assert LedgerTransaction.objects.filter(kind="charge").count() == 1 and verify().ok


def test_lines_must_add_up_to_the_amount(fan, creator):
    from payments.tax.engine import LineItem

    lines = [LineItem("Photo set", gbp(700)), LineItem("Message", gbp(150), quantity=2)]
    payment = _charge(fan, creator, 1000, lines=lines).payment
    assert [line["total"] for line in payment.lines] == [840, 360]
    assert payment.receipts.get().lines[1]["quantity"] == 2
    with pytest.raises(InvalidAmount):
        _charge(fan, creator, 999, key="k2", lines=lines)


class RefusingProvider:
    name = "refusing"

    def create_payment(self, request):
        from common.errors import ProviderRequestRejected

        raise ProviderRequestRejected("No such payment method.")


def test_a_provider_refusal_keeps_its_meaning_and_a_retryable_error_says_when_to_come_back(fan, creator, settings):
    from common.api.errors import exception_handler
    from common.errors import ProviderRequestRejected, ProviderUnavailable

    settings.PAYMENTS_ROUTING = {"default": "refusing", "adult": "refusing"}
    settings.PAYMENTS_PROVIDER_CLASSES = {"refusing": "tests.payments.test_charges.RefusingProvider"}
    registry.reset()
    with pytest.raises(ProviderRequestRejected) as error:
        _charge(fan, creator, evidence=TaxEvidence(billing_country="GB", ip_country="GB"))
    assert error.value.retryable is False
    assert "Retry-After" not in exception_handler(error.value, {})
    assert exception_handler(ProviderUnavailable(), {})["Retry-After"] == "5"
