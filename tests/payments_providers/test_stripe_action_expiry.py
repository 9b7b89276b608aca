"""An abandoned 3-D Secure PaymentIntent on Stripe is cancelled through the real library against the fake
once PAYMENTS_ACTION_EXPIRY_MINUTES have passed; one the fan completed meanwhile is recorded instead."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import Payment
from payments.money import Money
from payments.services import action_expiry, purchases
from payments.services.verify import verify
from tests.payments_providers.conftest import GB, deliver_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_configured")]


def _abandoned(fan, creator, key):
    outcome = purchases.charge(fan, creator, Money(1500, "GBP"), "ppv", f"post:{key}", key,
                               "pm_card_authenticationRequired", tax_evidence=GB, content_category="general")
    assert outcome.status == "requires_action"
    Payment.objects.filter(pk=outcome.payment.pk).update(created_at=timezone.now() - timedelta(minutes=90))
    return outcome.payment


def test_abandoned_intent_is_cancelled_at_stripe(client, fake, fan, creator):
    payment = _abandoned(fan, creator, "k-gone")
    assert action_expiry.expire_abandoned() == {"canceled": 1}
    cancel = [r for r in fake.requests if r.path == f"/v1/payment_intents/{payment.provider_payment_id}/cancel"]
    assert len(cancel) == 1 and cancel[0].headers.get("idempotency-key") == f"cancel:{payment.public_id}"
    payment.refresh_from_db()
    assert payment.status == "canceled" and not payment.posted
    deliver_events(client, fake)  # Stripe's payment_intent.canceled changes nothing more
    payment.refresh_from_db()
    assert payment.status == "canceled"
    assert verify().ok


def test_intent_completed_meanwhile_is_recorded_not_cancelled(fake, fan, creator):
    payment = _abandoned(fan, creator, "k-done")
    fake.complete_authentication(payment.provider_payment_id)
    assert action_expiry.expire_abandoned() == {"succeeded": 1}
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.posted
    report = verify()
    assert report.ok, report.problems
