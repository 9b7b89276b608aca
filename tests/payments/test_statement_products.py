"""Monthly statements show gross, tax and the platform fee per product (subscriptions, tips, PPV, paid messages,
requests), and every figure equals a sum of ledger entries; the page, PDF and CSV show the same numbers."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.db.models import Sum

from payments.models import AccountType, LedgerEntry, Payment
from payments.services import payouts, purchases, statements
from payments.services.verify import verify
from tests.factories import make_creator, make_fan
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db
MAY = datetime(2026, 5, 10, 12, tzinfo=UTC)


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _month_of_sales(fan, creator):
    payouts.connect_account(creator, "simulator", "acct_sim_products")
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    with _at(MAY):
        purchases.charge(fan, creator, gbp(1000), "subscription", "s1", "k-sub", GB_CARD, tax_evidence=GB)
        purchases.charge(fan, creator, gbp(1000), "subscription_renewal", "s1", "k-ren", GB_CARD, tax_evidence=GB)
        tip = purchases.charge(fan, creator, gbp(500), "tip", "t1", "k-tip", GB_CARD, tax_evidence=GB).payment
        purchases.charge(fan, creator, gbp(300), "ppv_post", "p1", "k-ppv", GB_CARD, tax_evidence=GB)
        purchases.charge(fan, creator, gbp(200), "ppv_message", "m1", "k-msg", GB_CARD, tax_evidence=GB)
        held = purchases.charge(fan, creator, gbp(4000), "custom_request", "r1", "k-req", GB_CARD, tax_evidence=GB,
                                escrow=True).payment
        purchases.charge(fan, creator, gbp(2500), "custom_request", "r2", "k-req2", GB_CARD, tax_evidence=GB,
                         escrow=True)
        purchases.release_escrow(held)
        purchases.refund(tip, gbp(600), "goodwill", idempotency_key="r-tip")
        payouts.release_pending(now=MAY + timedelta(days=8))
        payouts.create_payout(creator, "GBP")
    return statements.generate(creator.pk, "GBP", date(2026, 5, 1))


def _ledger(creator, account_type, kinds, *, positive=None):
    ids = [str(pk) for pk in Payment.objects.filter(creator=creator).values_list("pk", flat=True)]
    qs = LedgerEntry.objects.filter(account__type=account_type, transaction__kind__in=kinds,
                                    transaction__source_type="payment", transaction__source_id__in=ids)
    if positive:
        qs = qs.filter(amount__gt=0)
    return qs.aggregate(total=Sum("amount"))["total"] or 0


def test_statement_figures_equal_ledger_sums(fan, creator):
    statement = _month_of_sales(fan, creator)
    products = statement.by_product
    assert list(products) == ["subscriptions", "tips", "ppv", "paid_messages", "requests"]
    assert products["subscriptions"]["count"] == 2 and products["requests"]["count"] == 2
    # Gross = the clearing debits of the month's sales; tax = the tax payable credited; fee = the platform
    # revenue credited (for the request at its release); earned = the creator's share credited.
    assert statement.gross == _ledger(creator, AccountType.FAN_CLEARING, ["charge"], positive=True)
    assert statement.tax == -_ledger(creator, AccountType.TAX_PAYABLE, ["charge"])
    assert statement.fees == -_ledger(creator, AccountType.PLATFORM_REVENUE, ["charge", "escrow_release"])
    assert sum(p["earned"] for p in products.values()) == statement.earnings
    assert products["requests"]["held"] == -_ledger(creator, AccountType.ESCROW, ["charge"])
    paid = Payment.objects.filter(creator=creator)
    assert statement.gross == sum(p.amount for p in paid)
    assert statement.tax == sum(p.tax_amount for p in paid)
    # The unreleased request's fee is not the platform's yet: only the released one counts.
    assert statement.fees == sum(p.platform_fee for p in paid if p.escrow != "held")
    assert products["tips"]["gross"] == 600 and products["tips"]["tax"] == 100  # 5.00 + 20% VAT
    assert statement.refunds == -400 and statement.payouts < 0
    assert statement.closing == (statement.opening + statement.earnings + statement.refunds + statement.chargebacks
                                 + statement.payouts + statement.adjustments)
    assert verify().ok


def test_statement_page_pdf_and_csv_show_the_same_figures(client, fan, creator):
    statement = _month_of_sales(fan, creator)
    client.force_login(creator)
    money = client.get("/studio/money/").content.decode()
    assert f"/studio/money/statements/{statement.pk}/" in money
    page = client.get(f"/studio/money/statements/{statement.pk}/").content.decode()
    for label in ("Subscriptions", "Tips", "Pay-per-view", "Paid messages", "Custom requests"):
        assert label in page
    assert str(gbp(statement.gross)) in page and str(gbp(statement.closing)) in page
    pdf = client.get(f"/studio/money/statements/{statement.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv_text = client.get(f"/studio/money/statements/{statement.pk}.csv").content.decode()
    assert f"2026-05,GBP,gross,{gbp(statement.gross).to_decimal()}" in csv_text
    assert "2026-05,GBP,subscriptions.count,2" in csv_text


def test_nobody_else_reads_a_statement(client, fan, creator):
    statement = _month_of_sales(fan, creator)
    other = make_fan(country="GB")
    client.force_login(other)
    assert client.get(f"/studio/money/statements/{statement.pk}/").status_code == 404
    assert client.get(f"/studio/money/statements/{statement.pk}.pdf").status_code == 404
    client.force_login(make_creator(country="GB"))
    assert client.get(f"/studio/money/statements/{statement.pk}/").status_code == 404
    assert client.get(f"/studio/money/statements/{statement.pk}.pdf").status_code == 404
