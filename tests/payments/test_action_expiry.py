"""Abandoned 3-D Secure attempts: resumable from the purchases page until PAYMENTS_ACTION_EXPIRY_MINUTES,
then cancelled at the provider through the adapter by the beat task, which frees what waited on them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.purchases.models import Tip
from fansub.purchases.services import tips
from payments import tasks
from payments.models import Payment, SimulatorObject
from payments.money import Money
from payments.providers.simulator import SimulatorProvider
from payments.services import action_expiry, purchases
from payments.services.verify import verify
from tests.factories import make_creator, make_fan
from tests.payments.conftest import GB, THREE_DS_CARD, gbp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _expiry(settings):
    settings.PAYMENTS_ACTION_EXPIRY_MINUTES = 30


def _attempt(fan, creator, key="k-3ds", minutes_ago=31):
    payment = purchases.charge(fan, creator, gbp(1000), "ppv", f"post:{key}", key, THREE_DS_CARD,
                               tax_evidence=GB).payment
    assert payment.status == "requires_action"
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return payment


def test_an_old_attempt_is_cancelled_at_the_provider(fan, creator):
    old, recent = _attempt(fan, creator), _attempt(fan, creator, "k-new", minutes_ago=5)
    assert tasks.expire_abandoned_actions() == {"canceled": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "canceled" and not old.posted and recent.status == "requires_action"
    assert SimulatorObject.objects.get(object_id=old.provider_payment_id).data["status"] == "canceled"
    assert action_expiry.expire_abandoned() == {}  # nothing left; a second run is a no-op
    assert verify().ok


def test_an_attempt_finished_meanwhile_is_recorded_not_cancelled(fan, creator):
    payment = _attempt(fan, creator)
    SimulatorProvider().complete_authentication(payment.provider_payment_id, success=True)
    assert action_expiry.expire_abandoned() == {"succeeded": 1}
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.posted
    assert verify().ok


def test_the_waiting_tip_is_failed_when_its_attempt_expires(django_capture_on_commit_callbacks):
    fan, creator = make_fan(country="US", region="US-TX"), make_creator(country="US", verified=True)
    tip = tips.send_tip(fan, creator, Money(500, "USD"), idempotency_key="tip-3ds", payment_method=THREE_DS_CARD)
    assert tip.status == "pending"
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=45))
    with django_capture_on_commit_callbacks(execute=True):
        action_expiry.expire_abandoned()
    assert Tip.objects.get(pk=tip.pk).status == "failed"


def test_purchases_page_offers_resume_until_expiry(client, fan, creator):
    payment = _attempt(fan, creator, minutes_ago=5)
    client.force_login(fan)
    page = client.get("/payments/purchases/").content.decode()
    assert "Resume: Confirm with your bank" in page and "/payments/simulator/3ds/" in page
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=40))
    action_expiry.expire_abandoned()
    page = client.get("/payments/purchases/").content.decode()
    assert "Resume" not in page and "Canceled" in page
    # Another fan never sees it.
    client.force_login(make_fan())
    assert "Resume" not in client.get("/payments/purchases/").content.decode()


def test_a_provider_that_is_down_keeps_the_attempt_for_the_next_run(fan, creator, monkeypatch):
    payment = _attempt(fan, creator)

    def down(*args, **kwargs):
        raise OSError("connection reset")

    monkeypatch.setattr(SimulatorProvider, "cancel_payment", down)
    monkeypatch.setattr(SimulatorProvider, "retrieve_payment", down)
    assert action_expiry.expire_abandoned() == {"kept": 1}
    payment.refresh_from_db()
    assert payment.status == "requires_action"


def test_the_setting_is_read_at_run_time(settings, fan, creator):
    _attempt(fan, creator, minutes_ago=31)
    settings.PAYMENTS_ACTION_EXPIRY_MINUTES = 120
    assert action_expiry.expire_abandoned() == {}
