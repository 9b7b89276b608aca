from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from common.errors import DomainError
from payments.models import CreatorStatement, Payout
from payments.providers.simulator import SimulatorProvider
from payments.services import payouts, purchases, statements
from payments.services.verify import verify
from payments.tasks import payout_run, release_pending
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db
MAY = datetime(2026, 5, 10, 12, tzinfo=UTC)


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_pending_becomes_available_after_the_hold(fan, creator, settings):
    settings.PAYOUT_HOLD_DAYS = 7
    with _at(MAY):
        purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB)
    with _at(MAY + timedelta(days=6)):
        assert release_pending() == 0
    assert payouts.pending_balance(creator, "GBP") == gbp(800)
    with _at(MAY + timedelta(days=7, seconds=1)):
        assert release_pending() == 1
        assert release_pending() == 0  # once
    assert payouts.pending_balance(creator, "GBP") == gbp(0)
    assert payouts.available_balance(creator, "GBP") == gbp(800)
    assert verify().ok


def test_payout_run_pays_ready_creators_over_the_minimum(fan, creator, settings, django_capture_on_commit_callbacks):
    settings.PAYOUT_MINIMUM_MINOR = 2000
    payouts.connect_account(creator, "simulator", "acct_sim_run")
    SimulatorProvider().set_account_status("acct_sim_run", charges_enabled=True, payouts_enabled=True)
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    with _at(MAY):
        purchases.charge(fan, creator, gbp(1000), "tip", "t", "k1", GB_CARD, tax_evidence=GB)
    assert payout_run() == {"paid": 0, "failed": 0, "skipped": 0}  # 8.00 available is below the minimum
    with _at(MAY):
        purchases.charge(fan, creator, gbp(2000), "tip", "t", "k2", GB_CARD, tax_evidence=GB)
    assert payout_run() == {"paid": 1, "failed": 0, "skipped": 0}
    payout = Payout.objects.get()
    assert payout.amount == 2400 and payout.status == "paid"
    assert payouts.available_balance(creator, "GBP") == gbp(0)
    from payments.errors import PayoutNotAllowed

    with pytest.raises(PayoutNotAllowed):
        payouts.create_payout(creator, "GBP")
    assert verify().ok


def test_monthly_statement_reconciles_with_the_ledger(fan, creator):
    payouts.connect_account(creator, "simulator", "acct_sim_st")
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    with _at(datetime(2026, 4, 20, tzinfo=UTC)):
        purchases.charge(fan, creator, gbp(1000), "tip", "april", "k0", GB_CARD, tax_evidence=GB)
    with _at(MAY):
        payment = purchases.charge(fan, creator, gbp(5000), "tip", "t", "k1", GB_CARD, tax_evidence=GB).payment
        purchases.refund(payment, gbp(1200), "goodwill", idempotency_key="r")
        payouts.release_pending(now=MAY + timedelta(days=8))
        payouts.create_payout(creator, "GBP")
    statement = statements.generate(creator.pk, "GBP", date(2026, 5, 1))
    assert statement.opening == 800                                  # April's tip
    assert statement.earnings == 4000 and statement.refunds == -800  # 12.00 refunded of 60.00: 8.00 was the share
    assert statement.payouts == -4000
    assert statement.closing == statement.opening + statement.earnings + statement.refunds + statement.payouts
    assert statements.generate(creator.pk, "GBP", date(2026, 5, 1)).pk == statement.pk  # once
    assert statements.generate_month(date(2026, 4, 1)) == 1
    assert CreatorStatement.objects.count() == 2
    with pytest.raises(DomainError) as exc:
        statements.generate(creator.pk, "GBP", date(2099, 1, 1))
    assert exc.value.code == "STATEMENT_PERIOD_OPEN"
