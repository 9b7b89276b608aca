"""Adult subscriptions through CCBill's recurring FlexForm: the subscribe service asks for a form that
carries the rebill terms (digest over them, checked by the fake as CCBill does), the sale postback starts
the subscription, CCBill's own RenewalSuccess postbacks renew it at the recurring price, and Cancellation /
Expiration end it, with the ledger verified at the end."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from fansub.accounts.services import accounts
from fansub.offers.models import Promotion
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import subscriptions
from fansub.verification.services import age_assurance
from payments.models import Payment
from payments.money import Money
from payments.services import purchases
from payments.services.verify import verify
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan, make_tier
from tests.payments_providers import test_journeys_ccbill as journeys
from tests.payments_providers.ccbill_steps import post_event
from tests.verification.support import signed

pytestmark = pytest.mark.django_db
# The CCBill account, DataLink fake and postback fake of the other CCBill journeys.
datalink, ccbill_configured, ccbill = journeys.datalink, journeys.ccbill_configured, journeys.ccbill


@pytest.fixture
def adult_fan(db):
    fan = make_fan(country="GB")
    started = age_assurance.start_check(fan, "photo_id_match")
    body, signature = signed(started.check.provider_reference, "passed", "photo_id_match")
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    accounts.update_fan_profile(fan, safe_mode=False)
    fan.refresh_from_db()
    return fan


@pytest.fixture
def adult_tier(db):
    creator = make_creator(adult=True, verified=True)
    return make_tier(creator, price_minor=1000)


def _form(url):
    return dict(parse_qsl(urlsplit(url).query))


def test_subscribe_renew_cancel_expire_through_the_recurring_flexform(
        client, ccbill, adult_fan, adult_tier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = subscriptions.subscribe(adult_fan, adult_tier.pk, payment_method="ccbill-hosted",
                                         idempotency_key="adult-sub-1", confirmed_country="GB")
    assert result.subscription is None and result.client_action["type"] == "redirect"
    form = _form(result.client_action["url"])
    # GB VAT 20% on £10.00 each period: the first charge and every rebill are 12.00, every 30 days, until cancelled.
    assert (form["initialPrice"], form["initialPeriod"]) == ("12.00", "30")
    assert (form["recurringPrice"], form["recurringPeriod"], form["numRebills"]) == ("12.00", "30", "99")

    with django_capture_on_commit_callbacks(execute=True):
        sale = ccbill.complete_form(result.client_action["url"])  # refuses a form whose digest does not match
        assert ccbill.post(client, sale).content == b"processed"
    sub = Subscription.objects.get(fan=adult_fan)
    first = Payment.objects.get(purpose="subscription")
    assert sub.status == "active" and first.status == "succeeded"
    assert first.provider_charge_id == sale["body"]["subscriptionId"]
    end = sub.current_period_end

    with django_capture_on_commit_callbacks(execute=True):
        renewal = ccbill.event("RenewalSuccess", first.provider_charge_id)
        assert ccbill.post(client, renewal).content == b"processed"
        assert ccbill.post(client, renewal).content == b"duplicate"
    sub.refresh_from_db()
    rebill = Payment.objects.get(purpose="subscription_renewal")
    assert sub.renewal_count == 1 and sub.current_period_end > end
    assert rebill.amount == 1200 and rebill.posted and rebill.provider_charge_id == first.provider_charge_id

    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "Cancellation", first.provider_charge_id)
    assert sub.status == "canceled" and not sub.renews
    sub = post_event(client, ccbill, django_capture_on_commit_callbacks, sub, "Expiration", first.provider_charge_id)
    assert sub.status == "expired"
    assert Payment.objects.count() == 2
    report = verify()
    assert report.ok, report.problems


def test_a_first_period_promotion_rebills_at_the_full_price(client, ccbill, adult_fan, adult_tier,
                                                            django_capture_on_commit_callbacks):
    now = timezone.now()
    Promotion.objects.create(creator=adult_tier.creator, tier=adult_tier, code="HALF", kind="percent_off",
                             percent_off=50, for_new=True, periods=1, max_claims=5,
                             starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        result = subscriptions.subscribe(adult_fan, adult_tier.pk, payment_method="ccbill-hosted",
                                         idempotency_key="adult-promo", promotion_code="HALF",
                                         confirmed_country="GB")
    form = _form(result.client_action["url"])
    assert (form["initialPrice"], form["recurringPrice"]) == ("6.00", "12.00")
    with django_capture_on_commit_callbacks(execute=True):
        ccbill.post(client, ccbill.complete_form(result.client_action["url"]))
    first = Payment.objects.get(purpose="subscription")
    assert first.amount == 600 and first.recurring["amount"] == 1200

    # A rebill at the promoted price is not what the form said: it is refused, not credited.
    wrong = ccbill.event("RenewalSuccess", first.provider_charge_id, amount="6.00")
    assert ccbill.post(client, wrong).content == b"ignored"
    with django_capture_on_commit_callbacks(execute=True):
        assert ccbill.post(client, ccbill.event("RenewalSuccess", first.provider_charge_id)).content == b"processed"
    rebill = Payment.objects.get(purpose="subscription_renewal")
    assert (rebill.amount, rebill.net_amount, rebill.tax_amount) == (1200, 1000, 200)
    assert rebill.platform_fee + rebill.creator_amount == 1000
    report = verify()
    assert report.ok, report.problems


def test_one_off_charges_and_other_providers_get_no_recurring_terms(ccbill, adult_fan, adult_tier, settings):
    outcome = purchases.charge(adult_fan, adult_tier.creator, Money(500, "USD"), "ppv_post", "post:1", "k-ppv",
                               "ccbill-hosted", tax_evidence=TaxEvidence(billing_country="GB", card_country="GB"),
                               content_category="adult")
    assert "recurringPrice" not in _form(outcome.client_action["url"]) and outcome.payment.recurring == {}
    # The simulator does not bill renewals itself: the platform's renewal run charges, so nothing is recorded.
    sfw = make_tier(make_creator(verified=True), price_minor=1000)
    sub = subscriptions.subscribe(adult_fan, sfw.pk, payment_method="4242424242424242", idempotency_key="sfw",
                                   confirmed_country="GB")
    assert sub.subscription is not None
    assert Payment.objects.get(purpose="subscription", creator=sfw.creator).recurring == {}


def test_recurring_terms_are_validated(adult_fan, adult_tier):
    bad = purchases.Recurring(amount=Money(1000, "EUR"), period_days=30, initial_period_days=30)
    with pytest.raises(Exception) as caught:
        purchases.charge(adult_fan, adult_tier.creator, Money(1000, "USD"), "subscription", "checkout:x", "k-bad",
                         "ccbill-hosted", tax_evidence=TaxEvidence(billing_country="GB", card_country="GB"),
                         content_category="adult", recurring=bad)
    assert getattr(caught.value, "code", "") == "INVALID_AMOUNT"
    zero_days = purchases.Recurring(amount=Money(1000, "USD"), period_days=0, initial_period_days=30)
    with pytest.raises(Exception) as caught:
        purchases.charge(adult_fan, adult_tier.creator, Money(1000, "USD"), "subscription", "checkout:y", "k-bad2",
                         "ccbill-hosted", tax_evidence=TaxEvidence(billing_country="GB", card_country="GB"),
                         content_category="adult", recurring=zero_days)
    assert getattr(caught.value, "code", "") == "INVALID_AMOUNT"
    assert not Payment.objects.exists()


def test_an_abandoned_ccbill_form_is_failed_locally_and_a_late_sale_still_recorded(
        client, ccbill, adult_fan, adult_tier, settings, django_capture_on_commit_callbacks):
    """A signed FlexForm cannot be revoked: the attempt is failed here (authentication_abandoned) and frees the
    checkout; if the fan still pays on CCBill's page the money is recorded and refunded as unfulfillable."""
    from payments.services import action_expiry

    settings.PAYMENTS_ACTION_EXPIRY_MINUTES = 30
    with django_capture_on_commit_callbacks(execute=True):
        result = subscriptions.subscribe(adult_fan, adult_tier.pk, payment_method="ccbill-hosted",
                                         idempotency_key="adult-late", confirmed_country="GB")
    payment = Payment.objects.get(purpose="subscription")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=45))
    with django_capture_on_commit_callbacks(execute=True):
        assert action_expiry.expire_abandoned() == {"failed": 1}
    payment.refresh_from_db()
    assert payment.status == "failed" and payment.decline_code == "authentication_abandoned"
    assert not Subscription.objects.filter(fan=adult_fan).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert ccbill.post(client, ccbill.complete_form(result.client_action["url"])).content == b"processed"
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.posted
    # The checkout was given up, so the late money goes back in full (DataLink refund by the sale's id).
    assert payment.amount_refunded == payment.amount
    assert not Subscription.objects.filter(fan=adult_fan).exists()
    report = verify()
    assert report.ok, report.problems
