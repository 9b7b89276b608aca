"""The creator's money page: balances, next payout, payout history, payout account, statements as CSV."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from payments.services import payouts, purchases, statements
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db
GB = TaxEvidence(billing_country="GB", ip_country="GB")
GB_CARD = "4000008260000000"
MAY = datetime(2026, 5, 10, 12, tzinfo=UTC)


def _gbp(minor):
    from payments.money import Money

    return Money(minor, "GBP")


def _creator_with_money():
    creator, fan = make_creator(country="GB", verified=True), make_fan(country="GB")
    payouts.connect_account(creator, "simulator", "acct_sim_page")
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    with mock.patch("django.utils.timezone.now", return_value=MAY):
        purchases.charge(fan, creator, _gbp(5000), "tip", "t1", "k1", GB_CARD, tax_evidence=GB)
        payouts.release_pending(now=MAY + timedelta(days=8))
        payouts.create_payout(creator, "GBP")
        purchases.charge(fan, creator, _gbp(1000), "tip", "t2", "k2", GB_CARD, tax_evidence=GB)
    statements.generate(creator.pk, "GBP", date(2026, 5, 1))
    return creator


def test_creator_sees_balances_payouts_and_statements(client):
    creator = _creator_with_money()
    client.force_login(creator)
    page = client.get("/studio/money/").content.decode()
    assert "Pending" in page and "£8.00" in page  # the second tip's share, inside the hold period
    assert "£40.00" in page  # the payout of the first tip's share
    assert "May 2026" in page
    statement = creator.statements.get()
    csv = client.get(f"/studio/money/statements/{statement.pk}.csv")
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode()
    assert "earnings,48.00" in body and "payouts,-40.00" in body and "closing,8.00" in body


def test_nobody_else_sees_a_creators_statement_or_money_page(client):
    creator = _creator_with_money()
    other = make_creator(country="GB", verified=True)
    client.force_login(other)
    assert client.get(f"/studio/money/statements/{creator.statements.get().pk}.csv").status_code == 404
    assert "£40.00" not in client.get("/studio/money/").content.decode()
    client.force_login(make_fan())
    assert client.get("/studio/money/").status_code == 404


def test_payout_setup_without_hosted_onboarding_says_why(client):
    creator = make_creator(country="GB", verified=True)
    client.force_login(creator)
    response = client.post("/studio/money/payout-account/", follow=True)
    assert response.status_code == 200
    assert "No earnings yet" in response.content.decode()
