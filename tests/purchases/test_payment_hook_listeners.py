"""Products react to payments' hooks: a late payment_settled(succeeded=True) is fulfilled when it still can be
and refunded when not; refund_failed restores what the refund revoked and is visible to Finance; a processor's
subscription changes (CCBill) become renewals, dunning, cancellation and expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.custom_requests.models import CustomRequest
from fansub.messaging.models import MessageThread
from fansub.purchases.models import MessageUnlock, PostPurchase, Tip
from fansub.purchases.services import ppv
from fansub.subscriptions.services import renewals
from governance.models import AuditLog
from payments import hooks
from payments.models import Payment
from payments.money import Money
from payments.services import purchases
from payments.services.verify import verify
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db
US = TaxEvidence(billing_country="US", billing_region="TX", ip_country="US")
US_CARD = "4242424242424242"


@pytest.fixture
def fan(db):
    return make_fan(country="US", region="TX")


@pytest.fixture
def creator(db):
    return make_creator(country="US", verified=True)


def _paid(fan, creator, purpose, reference, key, minor=500, **extra):
    return purchases.charge(fan, creator, Money(minor, "USD"), purpose, reference, key, US_CARD, tax_evidence=US,
                            **extra).payment


def _settled(payment):
    hooks.notify(hooks.PAYMENT_SETTLED, payment.purpose, payment.reference, str(payment.public_id), True)
    payment.refresh_from_db()
    return payment


def test_late_ppv_settlement_unlocks_or_refunds(fan, creator):
    post = make_post(creator, ppv_minor=500)
    first = _settled(_paid(fan, creator, "ppv_post", f"post:{post.pk}", "ppv-1"))
    assert PostPurchase.objects.filter(post=post, fan=fan, payment_reference=str(first.public_id)).exists()
    assert first.amount_refunded == 0
    _settled(first)  # told twice: still one unlock, no refund
    assert PostPurchase.objects.count() == 1
    # A second payment for what the fan already owns is given back.
    second = _settled(_paid(fan, creator, "ppv_post", f"post:{post.pk}", "ppv-2"))
    assert second.amount_refunded == second.amount
    # A payment for a post no longer for sale is given back too.
    post.ppv_price_minor, post.ppv_currency = None, ""
    post.save()
    other = make_fan(country="US", region="TX")
    third = _settled(_paid(other, creator, "ppv_post", f"post:{post.pk}", "ppv-3"))
    assert third.amount_refunded == third.amount and not PostPurchase.objects.filter(fan=other).exists()
    assert verify().ok


def test_late_tip_settlement_after_a_failed_tip_is_refunded(fan, creator):
    tip = Tip.objects.create(fan=fan, creator=creator, amount_minor=500, currency="USD", status="failed",
                             idempotency_key="t")
    payment = _settled(_paid(fan, creator, "tip", f"tip:{tip.pk}", "tip-late"))
    assert payment.amount_refunded == payment.amount
    kept_tip = Tip.objects.create(fan=fan, creator=creator, amount_minor=500, currency="USD", status="succeeded",
                                  idempotency_key="t2")
    kept = _settled(_paid(fan, creator, "tip", f"tip:{kept_tip.pk}", "tip-ok"))
    assert kept.amount_refunded == 0


def test_late_request_hold_for_a_request_that_moved_on_is_refunded(fan, creator):
    req = CustomRequest.objects.create(fan=fan, creator=creator, kind="other", description="x", price_minor=2000,
                                       currency="USD", status="withdrawn",
                                       respond_by=timezone.now())
    payment = _settled(_paid(fan, creator, "custom_request", f"request:{req.pk}", "req-late", escrow=True))
    assert payment.amount_refunded == payment.amount and payment.escrow == "refunded"
    # Not a request of ours: nothing is decided on a guess.
    unknown = _settled(_paid(fan, creator, "custom_request", "request:999999", "req-unknown", escrow=True))
    assert unknown.amount_refunded == 0 and unknown.escrow == "held"
    assert verify().ok


def test_refund_failed_restores_the_unlock_and_the_tip_and_tells_finance(fan, creator):
    post = make_post(creator, ppv_minor=500)
    payment = _settled(_paid(fan, creator, "ppv_post", f"post:{post.pk}", "ppv-rf"))
    refund = purchases.refund(payment, None, "goodwill", idempotency_key="rf")
    hooks.notify(hooks.PAYMENT_REVERSED, payment.purpose, payment.reference, str(payment.public_id), True)
    assert PostPurchase.objects.get().revoked_at is not None
    hooks.notify(hooks.REFUND_FAILED, payment.purpose, payment.reference, str(payment.public_id),
                 str(refund.public_id))
    assert PostPurchase.objects.get().revoked_at is None
    assert AuditLog.objects.filter(action="purchase.refund_failed", object_id=str(payment.public_id)).exists()

    tip = Tip.objects.create(fan=fan, creator=creator, amount_minor=500, currency="USD", status="refunded",
                             idempotency_key="rt", payment_reference="p-tip")
    hooks.notify(hooks.REFUND_FAILED, "tip", f"tip:{tip.pk}", "p-tip", "r-tip")
    tip.refresh_from_db()
    assert tip.status == "succeeded"
    hooks.notify(hooks.REFUND_FAILED, "custom_request", "request:1", "p-req", "r-req")
    assert AuditLog.objects.filter(action="custom_request.refund_failed", object_id="p-req").exists()


def _changed(sub, kind):
    hooks.notify(hooks.PROVIDER_SUBSCRIPTION_CHANGED, "subscription", f"subscription:{sub.pk}", "first-sale", kind)
    sub.refresh_from_db()
    return sub


def test_processor_renewal_dunning_cancellation_and_expiry(fan, creator):
    tier = make_tier(creator)
    sub = make_subscription(fan, tier, days_left=0, payment_method=US_CARD)
    end = sub.current_period_end
    sub = _changed(sub, "renewed")
    assert sub.status == "active" and sub.renewal_count == 1 and sub.current_period_end > end
    sub = _changed(sub, "renewal_failed")
    assert sub.status == "past_due" and sub.failed_attempts == 1 and sub.grace_until is not None
    sub = _changed(sub, "renewed")  # recovered
    assert sub.status == "active" and sub.failed_attempts == 0
    sub = _changed(sub, "cancelled")
    assert sub.status == "canceled" and not sub.renews
    sub = _changed(sub, "expired")
    assert sub.status == "expired"
    assert _changed(sub, "renewed").status == "expired"  # too late: nothing to renew
    # Not a subscription: ignored.
    hooks.notify(hooks.PROVIDER_SUBSCRIPTION_CHANGED, "ppv_post", "post:1", "x", "expired")


def test_our_renewal_run_does_not_charge_what_the_processor_bills(fan, settings):
    settings.PAYMENTS_ROUTING = {"default": "simulator", "adult": "ccbill"}
    adult = make_creator(country="US", verified=True, adult=True)
    tier = make_tier(adult)
    sub = make_subscription(fan, tier, days_left=0, payment_method="ccbill-hosted")
    assert renewals.attempt_renewal(sub.pk, timezone.now() + timedelta(minutes=1)) == "provider_billed"
    assert not Payment.objects.exists()
    # No renewal event came within the grace period: the subscription ends (no access without payment).
    late = timezone.now() + timedelta(days=settings.SUBSCRIPTION_GRACE_DAYS, minutes=1)
    assert renewals.attempt_renewal(sub.pk, late) == "expired"
    sub.refresh_from_db()
    assert sub.status == "expired" and not Payment.objects.exists()


def test_late_paid_message_settlement_unlocks_or_refunds(fan, creator):
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    message = ppv.send_paid_message(creator, thread.pk, text="set", price=Money(800, "USD"))
    first = _settled(_paid(fan, creator, "ppv_message", f"message:{message.pk}", "msg-1", minor=800))
    assert MessageUnlock.objects.filter(message=message, fan=fan, payment_reference=str(first.public_id)).exists()
    assert first.amount_refunded == 0
    second = _settled(_paid(fan, creator, "ppv_message", f"message:{message.pk}", "msg-2", minor=800))
    assert second.amount_refunded == second.amount  # already unlocked: given back
    assert MessageUnlock.objects.count() == 1
    assert verify().ok
