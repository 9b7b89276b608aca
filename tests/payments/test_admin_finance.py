"""Finance in the admin: refunds (0 refused), payout runs without a selected row, retries, the failed-payout
queue, disputes with their evidence deadline, sale records and the tax report (page and CSV)."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from governance.models import AuditLog
from payments.models import Dispute, Payout, Refund
from payments.providers.simulator import FAIL_PAYOUTS_ACCOUNT
from payments.selectors import quarter_bounds, quarter_of, tax_report
from payments.services import payouts, purchases
from tests.factories import PASSWORD, make_staff
from tests.payments.conftest import DE, DE_CARD, GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db


def _login(client, user):
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token="abc12345")
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD, "otp_device": device.persistent_id,
                                  "otp_token": "abc12345", "next": "/admin/"})


@pytest.fixture
def finance(client):
    """A member of the real Finance group (permissions from the staff-group migrations)."""
    staff = make_staff(handle="finance_group_1")
    staff.groups.add(Group.objects.get(name="Finance"))
    _login(client, staff)
    return staff


@pytest.fixture
def refunder(client):
    staff = make_staff(handle="refunder_1")
    staff.user_permissions.add(Permission.objects.get(codename="view_payment"),
                               Permission.objects.get(codename="refund_payment"))
    _login(client, staff)
    return staff


@pytest.fixture
def payable(settings, fan, creator):
    settings.PAYOUT_HOLD_DAYS = 0
    settings.PAYOUT_MINIMUM_MINOR = 100
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = False

    def make(account_ref="acct_sim_admin", who=None):
        who = who or creator
        purchases.charge(fan, who, gbp(1000), "tip", f"t-{account_ref}", f"k-{account_ref}", GB_CARD,
                         tax_evidence=GB)
        account = payouts.connect_account(who, "simulator", account_ref)
        payouts.update_account_status(account, charges_enabled=True, payouts_enabled=True)
        return who
    return make


# --- refunds ----------------------------------------------------------------------------------
@pytest.mark.parametrize("amount", ["0", "0.00", "-1.00"])
def test_refund_of_zero_or_less_is_refused_not_turned_into_a_full_refund(client, refunder, fan, creator, amount):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    data = {"action": "refund_action", "_selected_action": [payment.pk], "confirm": "1", "form_token": "t0",
            "amount": amount, "reason": "goodwill", "note": "zero"}
    response = client.post("/admin/payments/payment/", data)
    assert response.status_code == 200 and b"more than 0" in response.content
    assert Refund.objects.count() == 0


def test_partial_and_full_refunds_from_the_admin(client, refunder, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    base = {"action": "refund_action", "_selected_action": [payment.pk], "confirm": "1", "reason": "goodwill",
            "note": "n"}
    assert client.post("/admin/payments/payment/", {**base, "form_token": "a", "amount": "2.00"}).status_code == 302
    assert client.post("/admin/payments/payment/", {**base, "form_token": "b", "amount": ""}).status_code == 302
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount and Refund.objects.count() == 2


def test_payment_list_shows_money_not_minor_units(client, refunder, fan, creator):
    purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB)
    page = client.get("/admin/payments/payment/")
    assert "£12.00".encode() in page.content  # 10.00 + 20% VAT


# --- payouts ------------------------------------------------------------------------------------
def test_finance_runs_payouts_without_selecting_a_row(client, finance, payable):
    creator = payable()
    assert Payout.objects.count() == 0  # nothing to select: the run is a button, not a row action
    page = client.get("/admin/payments/payout/")
    assert page.status_code == 200 and b"Run payouts now" in page.content
    response = client.post("/admin/payments/payout/run/", follow=True)
    assert response.status_code == 200 and b"1 paid" in response.content
    payout = Payout.objects.get(creator=creator)
    assert payout.status == Payout.Status.PAID and payout.amount == 800
    assert AuditLog.objects.filter(action="admin.payout_run", actor=finance).exists()
    assert b"\xc2\xa38.00" in client.get("/admin/payments/payout/").content  # £8.00


def test_payout_run_refuses_get_and_staff_without_the_permission(client, payable):
    payable()
    staff = make_staff(handle="viewer_po")
    staff.user_permissions.add(Permission.objects.get(codename="view_payout"))
    _login(client, staff)
    assert client.get("/admin/payments/payout/run/").status_code == 405
    assert client.post("/admin/payments/payout/run/").status_code == 403
    assert b"Run payouts now" not in client.get("/admin/payments/payout/").content
    assert Payout.objects.count() == 0


def test_failed_payout_queue_and_retry(client, finance, payable):
    creator = payable(FAIL_PAYOUTS_ACCOUNT)
    client.post("/admin/payments/payout/run/")
    failed = Payout.objects.get()
    assert failed.status == Payout.Status.FAILED
    queue = client.get("/admin/payments/failedpayout/")
    assert queue.status_code == 200 and str(failed.public_id).encode() in queue.content
    # The creator fixes their account; Finance retries from the queue.
    account = payouts.connect_account(creator, "simulator", "acct_sim_fixed")
    payouts.update_account_status(account, charges_enabled=True, payouts_enabled=True)
    creator.payout_accounts.filter(account_ref=FAIL_PAYOUTS_ACCOUNT).update(payouts_enabled=False)
    response = client.post("/admin/payments/failedpayout/", {"action": "retry_failed",
                                                              "_selected_action": [failed.pk]}, follow=True)
    assert response.status_code == 200
    retry = Payout.objects.get(retry_of=failed)
    assert retry.status == Payout.Status.PAID and retry.attempt == 2
    assert str(failed.public_id).encode() not in client.get("/admin/payments/failedpayout/").content
    # A second retry of the same failure is refused and reported.
    again = client.post("/admin/payments/payout/", {"action": "retry_failed", "_selected_action": [failed.pk]},
                        follow=True)
    assert b"Only a failed payout" in again.content and Payout.objects.count() == 2


# --- disputes, sale records, tax report ----------------------------------------------------------------
def test_dispute_list_shows_status_and_evidence_due_date(client, finance, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    due = timezone.now() + timedelta(days=7)
    Dispute.objects.create(payment=payment, provider_dispute_id="dp_admin", amount=1200, currency="GBP",
                           provider_status="needs_response", evidence_due_by=due)
    page = client.get("/admin/payments/dispute/")
    assert page.status_code == 200
    assert b"needs_response" in page.content and b"\xc2\xa312.00" in page.content
    assert str(due.year).encode() in page.content


def test_sale_records_and_the_tax_report(client, finance, fan, creator):
    gb = purchases.charge(fan, creator, gbp(1000), "tip", "t1", "k1", GB_CARD, tax_evidence=GB).payment
    purchases.charge(fan, creator, gbp(2000), "tip", "t2", "k2", GB_CARD, tax_evidence=GB)
    purchases.charge(fan, creator, gbp(1000), "tip", "t3", "k3", DE_CARD, tax_evidence=DE)
    purchases.refund(gb, gbp(600), "goodwill", idempotency_key="tr-1")
    assert client.get("/admin/payments/salerecord/").status_code == 200

    quarter = quarter_of(timezone.now())
    rows = {(r.country, r.rate): r for r in tax_report()}
    uk = rows[("GB", "0.2")]
    assert (uk.quarter, uk.count, uk.taxable, uk.tax) == (quarter, 2, 3000, 600)
    assert (uk.refund_count, uk.refunded_taxable, uk.refunded_tax) == (1, 500, 100)
    assert (uk.net_taxable, uk.net_tax) == (2500, 500)
    de = rows[("DE", "0.19")]
    assert (de.count, de.taxable, de.tax) == (1, 1000, 190)

    page = client.get("/admin/payments/salerecord/tax-report/", {"quarter": quarter})
    assert page.status_code == 200 and b"20%" in page.content and "£6.00".encode() in page.content
    response = client.get("/admin/payments/salerecord/tax-report/", {"quarter": quarter, "format": "csv"})
    assert response["Content-Type"] == "text/csv"
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:4] == ["quarter", "country", "rate", "currency"]
    assert [quarter, "GB", "0.2", "GBP", "2", "30.00", "6.00", "1", "5.00", "1.00", "25.00", "5.00"] in table
    start, end = quarter_bounds(quarter)
    assert tax_report(start=end, end=end + timedelta(days=1)) == []
    assert tax_report(start=start, end=end)


def test_tax_report_refuses_a_bad_quarter_and_staff_without_the_permission(client, finance):
    page = client.get("/admin/payments/salerecord/tax-report/", {"quarter": "2026-Q5"})
    assert page.status_code == 200 and b"No sales" in page.content
    with pytest.raises(ValueError):
        quarter_bounds("2026-Q0")
    staff = make_staff(handle="no_tax")
    _login(client, staff)
    response = client.get("/admin/payments/salerecord/tax-report/")
    assert response.status_code in (302, 403)


def test_ledger_entries_are_named_in_the_plural(client, finance):
    page = client.get("/admin/payments/")
    assert b"Ledger entries" in page.content

