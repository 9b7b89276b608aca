import json
import time

import pytest

from common.errors import ProviderOutcomeUnknown
from fansub.accounts.models import CreatorProfile
from payments.models import ConnectedAccount, LedgerTransaction, Payment, Payout, WebhookDelivery, WebhookEvent
from payments.providers.simulator import SimulatorProvider, sign_payload
from payments.services import payouts, purchases, webhooks
from payments.services.reconcile import reconcile
from payments.services.verify import verify
from telemetry import metrics
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db
SECRET = "whsec_simulator_local_only"


def _event(event_type, obj, *, event_id="evt_1", livemode=False):
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "livemode": livemode,
                       "created": int(time.time()), "data": {"object": obj}})


def _post(client, body, secret=SECRET, provider="simulator", header=None):
    header = header if header is not None else sign_payload(body, secret)
    return client.post(f"/payments/webhooks/{provider}/", body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header)


def _charge_without_webhooks(fan, creator, settings, **kw):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = False
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", kw.get("key", "k"), GB_CARD, tax_evidence=GB,
                               capture=kw.get("capture", True)).payment
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    return payment


def test_bad_signature_is_refused_and_nothing_processed_or_stored(client):
    body = _event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    before = metrics.value("payments.webhook.refused")
    assert _post(client, body, secret="whsec_wrong").status_code == 400
    assert _post(client, body, header="").status_code == 400
    stale = sign_payload(body, SECRET, timestamp=int(time.time()) - 3600)
    assert _post(client, body, header=stale).status_code == 400  # replayed old delivery
    ahead = sign_payload(body, SECRET, timestamp=int(time.time()) + 3600)
    assert _post(client, body, header=ahead).status_code == 400  # signed "later": replayable until then
    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0  # an unauthenticated body is never kept
    assert metrics.value("payments.webhook.refused") == before + 4


def test_signed_delivery_is_stored_after_its_signature_check(client):
    body = _event("payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent"})
    assert _post(client, body).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.raw_body) == body.encode() and delivery.outcome != "received"


def test_unsigned_large_body_is_refused_without_being_stored_or_logged(client, caplog):
    body = json.dumps({"id": "evt_big", "type": "payment_intent.succeeded", "pad": "A" * (2 * 1024 * 1024)})
    with caplog.at_level("WARNING", logger="fansub.payments.webhooks"):
        assert _post(client, body, header="t=1,v1=deadbeef").status_code == 400
    assert WebhookDelivery.objects.count() == 0
    assert "AAAA" not in caplog.text and "evt_big" not in caplog.text


def test_delivery_within_the_tolerance_either_side_is_accepted(client, settings):
    settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = 300
    body = _event("payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent"}, event_id="evt_a")
    assert _post(client, body, header=sign_payload(body, SECRET, timestamp=int(time.time()) + 200)).status_code == 200
    body = _event("payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent"}, event_id="evt_b")
    assert _post(client, body, header=sign_payload(body, SECRET, timestamp=int(time.time()) - 200)).status_code == 200
    settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = 100
    body = _event("payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent"}, event_id="evt_c")
    assert _post(client, body, header=sign_payload(body, SECRET, timestamp=int(time.time()) + 200)).status_code == 400


def test_unknown_provider_is_404(client):
    assert _post(client, "{}", provider="nope").status_code == 404


def test_livemode_mismatch_is_refused(client):
    body = _event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"}, livemode=True)
    assert _post(client, body).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_unknown_event_type_is_acknowledged(client):
    body = _event("customer.created", {"id": "cus_1", "object": "customer"})
    assert _post(client, body).status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


def test_payment_event_is_applied_from_a_refetch_not_the_payload(client, fan, creator, settings):
    payment = _charge_without_webhooks(fan, creator, settings, capture=False)
    assert payment.status == "requires_capture"
    # The provider captured (e.g. from its dashboard); the webhook payload lies about the amount.
    sim = SimulatorProvider()
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = False
    sim.capture_payment(payment.provider_payment_id, payment.money("amount"), "x")
    forged = {"id": payment.provider_payment_id, "object": "payment_intent", "amount": 1, "status": "succeeded"}
    response = _post(client, _event("payment_intent.succeeded", forged, event_id="evt_cap"))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.amount == 1200
    assert LedgerTransaction.objects.get(kind="charge").entries.get(account__type="fan_clearing",
                                                                    amount__gt=0).amount == 1200


def test_duplicate_event_is_processed_once(client, fan, creator, settings):
    payment = _charge_without_webhooks(fan, creator, settings, capture=False)
    SimulatorProvider().capture_payment(payment.provider_payment_id, payment.money("amount"), "x")
    body = _event("payment_intent.succeeded", {"id": payment.provider_payment_id, "object": "payment_intent"},
                  event_id="evt_dup")
    assert _post(client, body).status_code == 200
    assert _post(client, body).status_code == 200
    assert WebhookEvent.objects.count() == 1 and WebhookEvent.objects.get().attempts == 1
    assert WebhookDelivery.objects.filter(outcome="duplicate").count() == 1
    assert LedgerTransaction.objects.filter(kind="charge").count() == 1


def test_event_for_an_unknown_payment_is_ignored(client):
    body = _event("payment_intent.succeeded", {"id": "pi_sim_nobody", "object": "payment_intent"})
    assert _post(client, body).status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


def test_failing_handler_answers_500_and_the_retry_is_processed(client, fan, creator, settings, monkeypatch):
    payment = _charge_without_webhooks(fan, creator, settings, capture=False)
    SimulatorProvider().capture_payment(payment.provider_payment_id, payment.money("amount"), "x")
    body = _event("payment_intent.succeeded", {"id": payment.provider_payment_id, "object": "payment_intent"},
                  event_id="evt_retry")
    original = webhooks.HANDLERS["payment_intent.succeeded"]

    def boom(provider, event):
        raise ConnectionError("provider timed out")

    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", boom)
    assert _post(client, body).status_code == 500
    row = WebhookEvent.objects.get()
    assert row.status == "failed" and "timed out" in row.error
    assert Payment.objects.get().status == "requires_capture"
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", original)
    assert _post(client, body).status_code == 200
    row.refresh_from_db()
    assert row.status == "processed" and row.attempts == 2 and row.error == ""
    assert Payment.objects.get().status == "succeeded"


def test_account_updated_sets_creator_payout_readiness(creator, django_capture_on_commit_callbacks):
    payouts.connect_account(creator, "simulator", "acct_sim_1")
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().set_account_status("acct_sim_1", charges_enabled=True, payouts_enabled=True)
    assert CreatorProfile.objects.get(user=creator).payout_ready is True
    assert ConnectedAccount.objects.get().payouts_enabled is True
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().set_account_status("acct_sim_1", charges_enabled=True, payouts_enabled=False)
    assert CreatorProfile.objects.get(user=creator).payout_ready is False


def _ready_creator_with_balance(fan, creator, account_ref, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    payouts.connect_account(creator, "simulator", account_ref)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().set_account_status(account_ref, charges_enabled=True, payouts_enabled=True)
        purchases.charge(fan, creator, gbp(5000), "tip", "t", "k-payout", GB_CARD, tax_evidence=GB)
    payouts.release_pending(now=timezone.now() + timedelta(days=8))


def test_payout_paid_via_webhook(fan, creator, django_capture_on_commit_callbacks):
    _ready_creator_with_balance(fan, creator, "acct_sim_ok", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        payout = payouts.create_payout(creator, "GBP")
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.amount == 4000
    assert payouts.available_balance(creator, "GBP") == gbp(0)
    assert WebhookEvent.objects.filter(event_type="payout.paid").exists()
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().reverse_payout(payout.provider_payout_id)
    payout.refresh_from_db()
    assert payout.status == "reversed" and payouts.available_balance(creator, "GBP") == gbp(4000)
    assert verify().ok


def test_payout_failure_returns_funds_and_can_be_retried(fan, creator, django_capture_on_commit_callbacks):
    from payments.errors import PayoutNotAllowed

    _ready_creator_with_balance(fan, creator, "acct_sim_fail_payouts", django_capture_on_commit_callbacks)
    payout = payouts.create_payout(creator, "GBP")
    assert payout.status == "failed" and payout.failure_code == "account_closed"
    assert payouts.available_balance(creator, "GBP") == gbp(4000)
    retry = payouts.retry_payout(payout)
    assert retry.attempt == 2 and retry.retry_of_id == payout.pk
    from common.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        payouts.retry_payout(payout)
    ConnectedAccount.objects.update(payouts_enabled=False)
    with pytest.raises(PayoutNotAllowed):  # no ready payout account any more
        payouts.create_payout(creator, "GBP")
    assert Payout.objects.count() == 2 and verify().ok


def test_reconcile_repairs_a_missed_webhook(fan, creator, settings):
    payment = _charge_without_webhooks(fan, creator, settings, capture=False)
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = False
    SimulatorProvider().capture_payment(payment.provider_payment_id, payment.money("amount"), "x")
    SimulatorProvider().refund_payment(payment.provider_payment_id, gbp(200), "dashboard-refund")
    Payment.objects.filter(pk=payment.pk).update(updated_at=payment.updated_at.replace(year=2000),
                                                 created_at=payment.created_at)
    report = reconcile(stale_after_seconds=0)
    payment.refresh_from_db()
    assert report["repaired"] >= 1
    assert payment.status == "succeeded" and payment.amount_refunded == 200
    assert payment.refunds.get().reason == "provider_initiated"
    assert verify().ok
    assert reconcile(stale_after_seconds=0)["repaired"] == 0  # idempotent


def test_reconcile_redrives_a_lost_provider_answer(fan, creator, settings, monkeypatch):
    from payments.providers import registry

    sim = registry.get("simulator")
    real = sim.create_payment

    def lost_answer(request):
        real(request)  # the provider charged...
        raise ConnectionError("...but the answer never arrived")

    monkeypatch.setattr(sim, "create_payment", lost_answer)

    with pytest.raises(ProviderOutcomeUnknown):
        purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB)
    monkeypatch.setattr(sim, "create_payment", real)
    assert Payment.objects.get().status == "created"
    reconcile(stale_after_seconds=0)
    payment = Payment.objects.get()
    assert payment.status == "succeeded" and payment.posted
    from payments.models import SimulatorObject

    assert SimulatorObject.objects.filter(kind="payment_intent").count() == 1  # charged once
    assert verify().ok


def test_reconcile_command_runs(capsys):
    from django.core.management import call_command

    call_command("payments_reconcile")
    assert "checked" in capsys.readouterr().out


def test_simulator_webhooks_are_refused_where_the_simulator_is_not_allowed(client, settings):
    settings.PAYMENTS_ALLOW_SIMULATOR = False
    body = _event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    assert _post(client, body).status_code == 404
    assert WebhookDelivery.objects.count() == 0


def test_an_event_abandoned_mid_processing_is_processed_on_redelivery(client):
    from datetime import timedelta

    from django.utils import timezone

    body = _event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_stuck")
    WebhookEvent.objects.create(provider="simulator", event_id="evt_stuck", event_type="customer.created",
                                status="processing")
    assert _post(client, body).status_code == 200
    assert WebhookEvent.objects.get().status == "processing"  # recent: someone is on it
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))
    assert _post(client, body).status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


@pytest.mark.parametrize(("provider", "unset"), [
    ("stripe", {"STRIPE_SECRET_KEY": ""}),
    ("stripe", {"STRIPE_SECRET_KEY": "sk_test_configured", "STRIPE_LIVEMODE": False, "STRIPE_WEBHOOK_SECRETS": []}),
    ("ccbill", {"CCBILL_CLIENT_ACCNUM": "", "CCBILL_SALT": ""}),
])
def test_webhook_for_a_provider_that_is_not_configured_is_503_and_stores_nothing(client, settings, provider, unset):
    for name, value in unset.items():
        setattr(settings, name, value)
    before = metrics.value("payments.webhook.provider_misconfigured")
    body = _event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    response = _post(client, body, provider=provider)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "PAYMENT_PROVIDER_MISCONFIGURED"
    assert WebhookDelivery.objects.count() == 0 and WebhookEvent.objects.count() == 0
    assert metrics.value("payments.webhook.provider_misconfigured") == before + 1
