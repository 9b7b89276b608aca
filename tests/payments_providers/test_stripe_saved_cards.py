"""Saved cards on Stripe through the real ``stripe`` library and the local fake: a Customer, a SetupIntent that
attaches the PaymentMethod, PaymentIntents that name both, and a detach on removal."""

import pytest

from common.errors import NotFoundError, ProviderRequestRejected
from payments.models import PaymentCustomer, SavedPaymentMethod
from payments.money import Money
from payments.services import purchases, saved_methods
from payments.services.verify import verify
from tests.factories import make_fan
from tests.payments_providers.conftest import GB

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_configured")]


def _charge(fan, creator, method, key):
    return purchases.charge(fan, creator, Money(1500, "GBP"), "ppv", f"post:{key}", key, method, tax_evidence=GB,
                            content_category="general")


def test_save_pay_with_and_remove_a_stripe_card(fake, fan, creator):
    card = saved_methods.save(fan, "stripe", "pm_card_mastercard")
    customer = PaymentCustomer.objects.get(fan=fan, provider="stripe")
    assert customer.provider_customer_id.startswith("cus_") and card.provider_method_id.startswith("pm_")
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("mastercard", "4444", 12, 2034)
    setup = next(r for r in fake.requests if r.path == "/v1/setup_intents")
    assert setup.params["customer"] == customer.provider_customer_id and setup.params["usage"] == "off_session"
    assert setup.headers.get("idempotency-key")

    # A second card reuses the customer.
    saved_methods.save(fan, "stripe", "pm_card_visa")
    assert PaymentCustomer.objects.filter(fan=fan).count() == 1
    assert sum(r.path == "/v1/customers" and r.method == "POST" for r in fake.requests) == 1

    payment = _charge(fan, creator, card.token, "k-saved").raise_for_status().payment
    assert payment.status == "succeeded" and payment.payment_method_label == "mastercard •••• 4444"
    sent = [r for r in fake.requests if r.path == "/v1/payment_intents"][-1].params
    assert sent["customer"] == customer.provider_customer_id and sent["payment_method"] == card.provider_method_id

    saved_methods.remove(fan, str(card.public_id))
    assert any(r.path == f"/v1/payment_methods/{card.provider_method_id}/detach" for r in fake.requests)
    assert not SavedPaymentMethod.objects.filter(pk=card.pk).exists()
    with pytest.raises(NotFoundError):
        _charge(fan, creator, card.token, "k-removed")
    report = verify()
    assert report.ok, report.problems


def test_the_fake_refuses_an_attached_card_without_its_customer(gateway):
    customer = gateway.create_customer("fan:1", "customer:fan:1")
    card = gateway.save_card(customer, "pm_card_visa", "save-card:1")
    from payments.providers.base import PaymentRequest

    with pytest.raises(ProviderRequestRejected):
        gateway.create_payment(PaymentRequest(local_payment_id="p1", amount=Money(1000, "GBP"), idempotency_key="p:1",
                                              payment_method=card.payment_method_id))
    result = gateway.create_payment(PaymentRequest(local_payment_id="p2", amount=Money(1000, "GBP"),
                                                   idempotency_key="p:2", payment_method=card.payment_method_id,
                                                   customer_ref=customer))
    assert result.status == "succeeded"


def test_a_declined_or_3ds_card_is_not_saved(fan):
    for token in ("pm_card_chargeDeclined", "pm_card_authenticationRequired"):
        with pytest.raises(ProviderRequestRejected):
            saved_methods.save(fan, "stripe", token)
    assert not SavedPaymentMethod.objects.exists()


def test_another_fan_cannot_charge_or_remove_the_card(fan, creator):
    card = saved_methods.save(fan, "stripe", "pm_card_visa")
    other = make_fan(country="GB")
    with pytest.raises(NotFoundError):
        _charge(other, creator, card.token, "k-other")
    with pytest.raises(NotFoundError):
        saved_methods.remove(other, str(card.public_id))
    assert SavedPaymentMethod.objects.filter(pk=card.pk).exists()
