"""Refunds and webhook events move only through their transition tables."""

import pytest
from django.db import IntegrityError, transaction

from common.errors import InvalidTransition
from payments.models import Refund
from payments.models.payments import REFUND_TRANSITIONS
from payments.models.webhooks import WEBHOOK_EVENT_TRANSITIONS
from payments.money import Money
from payments.providers.base import RefundResult
from payments.services import purchases, refunds
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db


def _refund_row(fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "ppv", "post-1", "k1", GB_CARD, tax_evidence=GB).payment
    payment.amount_refunded = 100
    payment.save(update_fields=["amount_refunded"])
    return Refund.objects.create(payment=payment, amount=100, currency="GBP", reason="goodwill", idempotency_key="r1")


def test_a_refund_goes_created_pending_failed_and_then_stays(fan, creator):
    row = _refund_row(fan, creator)
    pending = refunds.apply_refund_result(row, RefundResult("re_1", "pending", Money(100, "GBP")))
    assert pending.status == "pending"
    failed = refunds.apply_refund_result(row, RefundResult("re_1", "failed", Money(100, "GBP")))
    assert failed.status == "failed"
    again = refunds.apply_refund_result(row, RefundResult("re_1", "succeeded", Money(100, "GBP")))
    assert again.status == "failed"  # a late answer for a settled refund changes nothing
    with pytest.raises(InvalidTransition) as exc:
        REFUND_TRANSITIONS.move(again, "succeeded")
    assert exc.value.details == {"machine": "refund", "from": "failed", "to": "succeeded"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.filter(pk=row.pk).update(status="reversed")


def test_webhook_event_table():
    assert WEBHOOK_EVENT_TRANSITIONS.can("failed", "processed")
    with pytest.raises(InvalidTransition):
        WEBHOOK_EVENT_TRANSITIONS.check("processed", "failed")
