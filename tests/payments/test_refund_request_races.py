"""Concurrent decisions on one refund request refund at most once (PostgreSQL: real row locks).

A double click on the creator's decision goes through the HTTP stack at once; the creator and Trust & Safety
deciding together run the services from two threads released by a barrier."""

import threading

import pytest
from django.db import connection

from payments.models import Payment, Refund, RefundRequest
from payments.services import purchases, refund_requests
from payments.services.refund_requests import Decision
from payments.services.verify import verify
from tests.factories import make_creator, make_fan, make_staff
from tests.http_race import Call, race
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asked():
    fan, creator = make_fan(country="GB"), make_creator()
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    row = refund_requests.request_refund(fan, str(payment.public_id), reason="not_delivered")
    return row, creator


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _refunded_once(row):
    payment = Payment.objects.get(pk=row.payment_id)
    assert Refund.objects.filter(payment=payment).count() == 1
    assert payment.amount_refunded == Refund.objects.get(payment=payment).amount
    report = verify()
    assert report.ok, report.problems


def test_double_click_refunds_once(live_server, asked):
    row, creator = asked
    path = f"/api/v1/refund-requests/{row.public_id}/decision/"
    responses = race(live_server, [Call(creator, path, {"action": "refund"}, "click-1"),
                                   Call(creator, path, {"action": "refund"}, "click-2")])
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200 and codes[1] in (200, 409), [r.content for r in responses]
    row.refresh_from_db()
    assert row.status == "refunded" and row.amount_refunded == 1200
    _refunded_once(row)


def test_creator_and_staff_refunding_together_refund_once(asked):
    row, creator = asked
    staff = make_staff(superuser=True)
    results = _together(
        lambda: refund_requests.creator_decide(creator, str(row.public_id), Decision("refund", gbp(500))),
        lambda: refund_requests.staff_decide(staff, str(row.public_id), Decision("refund")))
    assert any(isinstance(r, RefundRequest) for r in results), results
    row.refresh_from_db()
    assert row.status in ("refunded", "partially_refunded") and row.amount_refunded in (500, 1200)
    _refunded_once(row)


@pytest.mark.parametrize("loser_action", ["decline", "escalate"])
def test_a_refund_and_a_decline_together_never_leave_a_declined_refunded_request(asked, loser_action):
    row, creator = asked
    staff = make_staff(superuser=True)
    other = (lambda: refund_requests.staff_decide(staff, str(row.public_id), Decision("decline"))) \
        if loser_action == "decline" else \
        (lambda: refund_requests.creator_decide(creator, str(row.public_id), Decision("escalate")))
    results = _together(lambda: refund_requests.creator_decide(creator, str(row.public_id), Decision("refund")),
                        other)
    row.refresh_from_db()
    refunded = Refund.objects.filter(payment_id=row.payment_id)
    if row.status == "refunded":
        _refunded_once(row)
        assert getattr(results[1], "code", "") == "INVALID_TRANSITION"
    else:  # the decline/escalation won the lock first: no money moved
        assert row.status in ("declined", "escalated") and not refunded.exists(), results
