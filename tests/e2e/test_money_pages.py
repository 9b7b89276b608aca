"""Money in the browser: a creator sets up payouts through the hosted onboarding (the Stripe fake, with Stripe's
wire format) and sees the account become ready; a Finance user with a second factor refunds a payment and runs
payouts in the admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import expect

from payments.models import ConnectedAccount, Payment, Payout
from payments.money import Money
from payments.providers import registry
from payments.providers.simulator import SimulatorProvider
from payments.services import payouts, purchases
from payments.tax.location import TaxEvidence
from tests.e2e.closing import close_context
from tests.factories import PASSWORD, make_creator, make_fan, make_staff
from tests.payments_providers.conftest import SECRET, deliver_events
from tests.payments_providers.fake_stripe import FakeStripe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
GB = TaxEvidence(billing_country="GB", card_country="GB")
GB_CARD = "4000008260000000"


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe().start()
    settings.PAYMENTS_ROUTING = {"default": "stripe", "adult": "simulator"}
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRETS = [SECRET]
    settings.STRIPE_LIVEMODE = False
    settings.PAYMENTS_LIVEMODE = False
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    registry.reset()
    yield fake
    registry.reset()
    fake.stop()


def _log_in(page, user):
    page.goto("/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_creator_sets_up_payouts_through_hosted_onboarding(page, fake_stripe):
    creator = make_creator(country="GB", verified=True)
    _log_in(page, creator)
    page.goto("/studio/money/")
    expect(page.get_by_text("No payout account yet.")).to_be_visible()

    hosted = []

    def through_stripe_hosted_onboarding(route):
        """Our page answers with a redirect to Stripe's hosted onboarding (connect.stripe.com, which the browser
        cannot reach here, and Chromium does not route redirects): follow it the way Stripe would. The creator
        finishes the form, Stripe sends account.updated, and the browser goes back to the return URL."""
        response = route.fetch(max_redirects=0)
        location = response.headers["location"]
        hosted.append(location)
        assert location.startswith("https://connect.stripe.com/")
        account = ConnectedAccount.objects.get(creator=creator, provider="stripe")
        fake_stripe.complete_onboarding(account.account_ref)
        deliver_events(Client(), fake_stripe)
        route.fulfill(status=302, headers={"Location": "/studio/money/"})

    page.route(re.compile(r".*/studio/money/payout-account/$"), through_stripe_hosted_onboarding)
    with page.expect_navigation(url=re.compile(r"/studio/money/$")):
        page.get_by_role("button", name="Set up payouts").click()
    assert len(hosted) == 1
    expect(page.get_by_text("Ready to receive payouts.")).to_be_visible()
    account = ConnectedAccount.objects.get(creator=creator, provider="stripe")
    assert account.payouts_enabled and account.details_submitted
    expect(page.get_by_role("button", name="Update payout details")).to_be_visible()


def _admin_log_in(page, staff):
    device = StaticDevice.objects.create(user=staff, name="backup")
    device.token_set.create(token="abc12345")
    page.goto("/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", "abc12345")
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_finance_refunds_a_payment_and_runs_payouts_in_the_admin(page, settings):
    settings.PAYOUT_HOLD_DAYS = 0
    settings.PAYOUT_MINIMUM_MINOR = 100
    registry.reset()
    creator, fan = make_creator(country="GB", verified=True), make_fan(country="GB")
    payouts.connect_account(creator, "simulator", "acct_sim_e2e")
    SimulatorProvider().set_account_status("acct_sim_e2e", charges_enabled=True, payouts_enabled=True)
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    paid = purchases.charge(fan, creator, Money(1000, "GBP"), "tip", "t-e2e", "k-e2e", GB_CARD,
                            tax_evidence=GB).payment
    finance = make_staff(handle="finance_e2e")
    finance.groups.add(Group.objects.get(name="Finance"))
    _admin_log_in(page, finance)

    page.goto("/admin/payments/payment/")
    expect(page.get_by_text("£12.00").first).to_be_visible()
    page.locator(f"input[name=_selected_action][value='{paid.pk}']").check()
    page.select_option("select[name=action]", "refund_action")
    with page.expect_navigation():
        page.click("button[name=index]")
    expect(page.get_by_text("refundable £12.00")).to_be_visible()
    page.fill("#id_amount", "2.00")
    page.select_option("#id_reason", "goodwill")
    page.fill("#id_note", "asked nicely")
    with page.expect_navigation():
        page.click("input[type=submit][value=Refund]")
    expect(page.get_by_text("Refunded £2.00")).to_be_visible()
    paid.refresh_from_db()
    assert paid.amount_refunded == 200

    page.goto("/admin/payments/payout/")
    with page.expect_navigation():
        page.get_by_role("button", name="Run payouts now").click()
    expect(page.get_by_text(re.compile(r"1 paid"))).to_be_visible()
    payout = Payout.objects.get(creator=creator)
    refund = paid.refunds.get()
    assert payout.status == "paid" and payout.amount == 800 - refund.creator_amount  # the refund took its share
    assert Payment.objects.get(pk=paid.pk).amount_refunded == 200


def test_fan_asks_for_a_refund_and_the_creator_refunds_part_of_it(browser, live_server, settings):
    registry.reset()
    creator, fan = make_creator(country="GB", verified=True), make_fan(country="GB")
    paid = purchases.charge(fan, creator, Money(1000, "GBP"), "tip", "t-rr", "k-rr", GB_CARD, tax_evidence=GB,
                            description="Tip for the stream").payment
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):  # desktop, then phone
        context = browser.new_context(base_url=live_server.url, viewport=size)
        page = context.new_page()
        _log_in(page, fan)
        page.goto("/payments/purchases/")
        if size["width"] == 1280:
            with page.expect_navigation():
                page.get_by_role("link", name="Ask for a refund").click()
            page.check("input[name=reason][value=not_delivered]")
            page.fill("#id_message", "The stream never started")
            page.fill("#id_amount", "6.00")
            with page.expect_navigation():
                page.get_by_role("button", name="Ask for a refund").click()
            expect(page.get_by_text("Your refund request was sent to the creator.")).to_be_visible()
            expect(page.locator("[data-status=requested]")).to_be_visible()

            _log_in(page, creator)
            page.goto("/studio/money/refunds/")
            row = page.locator(f"tr[data-request='{paid.refund_requests.get().public_id}']")
            expect(row.get_by_text("The stream never started")).to_be_visible()
            with page.expect_navigation():
                row.get_by_role("button", name="Refund").click()
            expect(row.locator("[data-status=partially_refunded]")).to_be_visible()
            _log_in(page, fan)
        page.goto(f"/payments/purchases/{paid.public_id}/refund/")
        expect(page.get_by_text("Partially refunded")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Credit note"))).to_be_visible()
        close_context(context)
    paid.refresh_from_db()
    assert paid.amount_refunded == 600
