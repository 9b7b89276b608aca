"""Issue 10, gate 1: money goes only to identity-verified creators, and only from fans allowed to see them."""

import pytest

from common.errors import AgeVerificationRequired, CreatorNotVerified
from fansub.messaging.models import Message, MessageThread
from fansub.purchases.models import Tip
from fansub.purchases.services import ppv, tips
from fansub.verification.models import IdentityVerification
from payments.models import Payment
from payments.money import Money
from tests.factories import make_creator, make_fan, make_post, verify_creator

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


def us_fan():
    return make_fan(country="US", region="US-TX")


def test_unverified_creator_receives_no_tip(api_client):
    creator = make_creator(country="US")
    fan = us_fan()
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "USD"}, "payment_method": CARD}
    r = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-unverified")
    assert r.status_code == 403 and r.json()["error"]["code"] == "CREATOR_NOT_VERIFIED"
    assert not Payment.objects.exists() and not Tip.objects.exists()


def test_unverified_creator_receives_no_ppv_purchase():
    creator = make_creator(country="US", verified=True)
    post = make_post(creator, ppv_minor=900)
    IdentityVerification.objects.filter(user=creator).update(status="expired")  # the approval lapsed
    with pytest.raises(CreatorNotVerified):
        ppv.buy_post(us_fan(), post.pk, payment_method=CARD)
    assert not Payment.objects.exists()


def test_unverified_creator_receives_no_paid_message():
    creator = make_creator(country="US", verified=True)
    fan = us_fan()
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    message = ppv.send_paid_message(creator, thread.pk, text="set", price=Money(1200, "USD"))
    IdentityVerification.objects.filter(user=creator).update(status="expired")
    with pytest.raises(CreatorNotVerified):
        ppv.buy_message(fan, message.pk, payment_method=CARD)
    assert not Payment.objects.exists()
    # and a creator without a verification cannot offer one
    other = make_creator(country="US")
    other_thread = MessageThread.objects.create(fan=fan, creator=other)
    with pytest.raises(CreatorNotVerified):
        ppv.send_paid_message(other, other_thread.pk, text="set", price=Money(1200, "USD"))
    assert not Message.objects.filter(thread=other_thread).exists()


def test_unverified_fan_cannot_tip_a_hidden_adult_creator(api_client):
    creator = make_creator(country="US", adult=True, verified=True)
    fan = make_fan(country="GB")  # no age check: the adult creator's profile is hidden from him
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "USD"}, "payment_method": CARD}
    r = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-hidden")
    assert r.status_code in (403, 404) and r.json()["error"]["code"] in ("AGE_VERIFICATION_REQUIRED", "NOT_FOUND")
    assert not Payment.objects.exists() and not Tip.objects.exists()
    with pytest.raises(AgeVerificationRequired):
        tips.send_tip(fan, creator, Money(500, "USD"), idempotency_key="k2", payment_method=CARD)


def test_verified_creator_still_receives_tips():
    creator = make_creator(country="US")
    verify_creator(creator)
    tip = tips.send_tip(us_fan(), creator, Money(500, "USD"), idempotency_key="ok", payment_method=CARD)
    assert tip.status == Tip.Status.SUCCEEDED
