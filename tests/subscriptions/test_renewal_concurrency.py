"""Two billing runs at the same moment charge each due subscription once (real row locks: PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import renewals
from payments.models import Payment
from payments.services import verify
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_billing_runs_charge_once():
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=1000)
    subs = []
    for _ in range(4):
        fan = make_fan(country="US", region="US-TX")
        sub = make_subscription(fan, tier, days_left=1, payment_method="4242424242424242")
        subs.append(sub)
    moment = max(s.current_period_end for s in subs) + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(renewals.run_billing_cycle(moment))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(r["renewed"] for r in results) == 4
    assert Payment.objects.filter(purpose="subscription_renewal", status="succeeded").count() == 4
    assert all(s.renewal_count == 1 for s in Subscription.objects.all())
    assert verify.verify().ok
