"""Tips move only through their transition table (a refund used to be a bare UPDATE of any tip)."""

import pytest
from django.db import IntegrityError, transaction

from common.errors import InvalidTransition
from fansub.purchases.models import TIP_TRANSITIONS, Tip
from fansub.purchases.services import tips
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db


def _tip(status, ref):
    return Tip.objects.create(fan=make_fan(), creator=make_creator(), amount_minor=500, currency="USD",
                              idempotency_key=ref, payment_reference=ref, status=status)


def test_a_paid_tip_is_refunded_once_and_the_hook_may_repeat():
    tip = _tip("succeeded", "pay-ok")
    tips.mark_refunded("pay-ok")
    tip.refresh_from_db()
    assert tip.status == "refunded"
    tips.mark_refunded("pay-ok")  # the hook told twice: still refunded, no error
    tip.refresh_from_db()
    assert tip.status == "refunded"


def test_a_failed_tip_cannot_be_refunded():
    tip = _tip("failed", "pay-declined")
    with pytest.raises(InvalidTransition) as exc:
        tips.mark_refunded("pay-declined")
    assert exc.value.details == {"machine": "tip", "from": "failed", "to": "refunded"}
    tip.refresh_from_db()
    assert tip.status == "failed"
    with pytest.raises(InvalidTransition):  # (refunded -> succeeded is allowed: a refund that failed at the provider)
        TIP_TRANSITIONS.check("refunded", "failed")


def test_the_database_refuses_an_unknown_tip_status():
    tip = _tip("pending", "pay-pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tip.objects.filter(pk=tip.pk).update(status="chargeback")
