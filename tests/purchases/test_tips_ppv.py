import pytest

from common.errors import NotFoundError
from fansub.accounts.models import Follow
from fansub.messaging.models import Message, MessageThread
from fansub.posts import entitlements
from fansub.purchases.models import PostPurchase, Tip
from fansub.purchases.services import ppv
from payments.models import Payment
from payments.services import refunds, verify
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


def us_fan():
    return make_fan(country="US", region="US-TX")


def test_tip_on_a_post_is_idempotent_and_bounded(api_client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    post = make_post(creator, public=True)
    fan = us_fan()
    api_client.force_authenticate(fan)
    body = {"creator": creator.handle, "amount": {"amount_minor": 500, "currency": "USD"}, "post_id": post.pk,
            "note": "great post", "anonymous": True, "payment_method": CARD}
    assert api_client.post("/api/v1/tips/", body, format="json").json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-1")
        again = api_client.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="tip-1")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Payment.objects.filter(purpose="tip", status="succeeded").count() == 1
    other = api_client.post("/api/v1/tips/", {**body, "amount": {"amount_minor": 700, "currency": "USD"}},
                            format="json", HTTP_IDEMPOTENCY_KEY="tip-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "IDEMPOTENCY_CONFLICT"
    for minor in (50, 20001):
        r = api_client.post("/api/v1/tips/", {**body, "amount": {"amount_minor": minor, "currency": "USD"}},
                            format="json", HTTP_IDEMPOTENCY_KEY=f"tip-{minor}")
        assert r.status_code == 400 and r.json()["error"]["code"] == "TIP_AMOUNT_OUT_OF_BOUNDS"
    tip = Tip.objects.get()
    assert tip.status == "succeeded" and tip.is_anonymous and tip.post_id == post.pk
    assert verify.verify().ok


def test_tip_in_a_thread_appears_in_the_thread(django_capture_on_commit_callbacks):
    from fansub.messaging.services import messages as messaging
    from fansub.purchases.services import tips
    from payments.money import Money

    creator, fan = make_creator(country="US", verified=True), us_fan()
    Follow.objects.create(fan=fan, creator=creator)
    thread_id = messaging.start_conversation(fan, creator, "hello").thread_id
    with django_capture_on_commit_callbacks(execute=True):
        tip = tips.send_tip(fan, creator, Money(300, "USD"), idempotency_key="t", payment_method=CARD,
                            note="coffee", thread_id=thread_id)
    assert Message.objects.filter(thread_id=thread_id, tip=tip).exists()
    stranger_thread = MessageThread.objects.create(fan=us_fan(), creator=creator)
    with pytest.raises(NotFoundError):  # not the fan's thread
        tips.send_tip(fan, creator, Money(300, "USD"), idempotency_key="t2", payment_method=CARD,
                      thread_id=stranger_thread.pk)


def test_buying_a_post_twice_charges_once_and_refund_revokes(api_client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    post = make_post(creator, ppv_minor=800, text="the paid words")
    fan = us_fan()
    api_client.force_authenticate(fan)
    assert api_client.get(f"/api/v1/posts/{post.pk}/").json()["text"] is None
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("buy-1", "buy-2"):  # two tabs, two keys: still one charge
            r = api_client.post(f"/api/v1/posts/{post.pk}/unlock/", {"payment_method": CARD}, format="json",
                                HTTP_IDEMPOTENCY_KEY=key)
            assert r.status_code == 201
    assert Payment.objects.filter(purpose="ppv_post").count() == 1
    assert api_client.get(f"/api/v1/posts/{post.pk}/").json()["text"] == "the paid words"
    purchase = PostPurchase.objects.get()
    payment = Payment.objects.get(purpose="ppv_post")
    with django_capture_on_commit_callbacks(execute=True):  # the refund's hook revokes the unlock
        refunds.refund(payment, None, "requested_by_customer", idempotency_key="r1")
    purchase.refresh_from_db()
    assert purchase.revoked_at is not None
    assert entitlements.decide_one(fan, post).reason == entitlements.Denial.PPV_NOT_PURCHASED
    assert verify.verify().ok


def test_subscriber_need_not_buy_an_included_post(api_client):
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator)
    post = make_post(creator, tiers=[tier], ppv_minor=800)
    fan = us_fan()
    make_subscription(fan, tier)
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/posts/{post.pk}/unlock/", {"payment_method": CARD}, format="json",
                        HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_UNLOCKED"
    assert not Payment.objects.exists()


def test_paid_message_unlock_and_unsend(api_client, django_capture_on_commit_callbacks):
    from payments.money import Money

    creator, buyer, other = make_creator(country="US", verified=True), us_fan(), us_fan()
    for fan in (buyer, other):
        Follow.objects.create(fan=fan, creator=creator)
    threads = {fan.pk: MessageThread.objects.create(fan=fan, creator=creator) for fan in (buyer, other)}
    sent = {fan_id: ppv.send_paid_message(creator, t.pk, text="secret set", price=Money(1200, "USD"))
            for fan_id, t in threads.items()}
    api_client.force_authenticate(buyer)
    listing = api_client.get(f"/api/v1/threads/{threads[buyer.pk].pk}/messages/").json()["results"]
    assert listing[0]["locked"] and listing[0]["text"] is None
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post(f"/api/v1/messages/{sent[buyer.pk].pk}/unlock/", {"payment_method": CARD},
                            format="json", HTTP_IDEMPOTENCY_KEY="m1")
    assert r.status_code == 201
    assert api_client.get(f"/api/v1/threads/{threads[buyer.pk].pk}/messages/").json()["results"][0]["text"] \
        == "secret set"
    # Another fan cannot buy the buyer's message by id.
    api_client.force_authenticate(other)
    r = api_client.post(f"/api/v1/messages/{sent[buyer.pk].pk}/unlock/", {"payment_method": CARD}, format="json",
                        HTTP_IDEMPOTENCY_KEY="m2")
    assert r.status_code == 404
    assert ppv.unsend(creator, sent[other.pk].pk) == 1
    assert ppv.unsend(creator, sent[buyer.pk].pk) == 0  # bought: stays
    assert api_client.get(f"/api/v1/threads/{threads[other.pk].pk}/messages/").json()["results"] == []


def test_tip_dashboard_and_hidden_totals(client, django_capture_on_commit_callbacks):
    from fansub.purchases.services import tips as tip_service
    from payments.money import Money

    creator, fan = make_creator(country="US", verified=True), us_fan()
    with django_capture_on_commit_callbacks(execute=True):
        tip_service.send_tip(fan, creator, Money(700, "USD"), idempotency_key="d1", payment_method=CARD,
                             note="thanks", anonymous=True)
    client.force_login(creator)
    page = client.get("/studio/earnings/").content.decode()
    assert "$7.00" in page and fan.handle in page and "anonymous to the public" in page
    client.force_login(us_fan())
    assert "tipped $7.00" in client.get(f"/c/{creator.handle}/").content.decode()
    client.force_login(creator)
    client.post("/studio/earnings/", {"hide_tip_totals": "on"})
    client.force_login(us_fan())
    assert "tipped" not in client.get(f"/c/{creator.handle}/").content.decode()
    assert client.get("/studio/earnings/").status_code == 404  # fans have no studio


def test_vault_page_for_a_fan(client):
    creator, fan = make_creator(verified=True), us_fan()
    client.force_login(creator)
    assert "Your vault is empty" in client.get(f"/studio/vault/fan/{fan.handle}/").content.decode()
    assert client.get("/studio/vault/fan/nobody_here/").status_code == 404


def test_tip_from_the_thread_page_lands_in_the_thread(client, django_capture_on_commit_callbacks):
    creator, fan = make_creator(country="US", verified=True), us_fan()
    Follow.objects.create(fan=fan, creator=creator)
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    client.force_login(fan)
    assert "Send a tip" in client.get(f"/messages/{thread.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/c/{creator.handle}/tip/?thread={thread.pk}",
                        {"amount": "4.00", "note": "for you", "payment_method": CARD, "thread_id": thread.pk})
    assert r.status_code == 302 and r["Location"] == f"/messages/{thread.pk}/"
    assert Message.objects.filter(thread=thread, tip__isnull=False).count() == 1


def test_lost_chargeback_revokes_a_ppv_unlock(django_capture_on_commit_callbacks):
    from payments.providers.simulator import SimulatorProvider

    creator = make_creator(country="US", verified=True)
    post = make_post(creator, ppv_minor=800)
    fan = us_fan()
    with django_capture_on_commit_callbacks(execute=True):
        unlock = ppv.buy_post(fan, post.pk, payment_method="4000000000000259")  # succeeds, then disputed
    payment = Payment.objects.get(purpose="ppv_post")
    assert entitlements.decide_one(fan, post).allowed
    with django_capture_on_commit_callbacks(execute=True):
        SimulatorProvider().close_dispute(payment.provider_payment_id, won=False)
    unlock.refresh_from_db()
    assert unlock.revoked_at is not None
    assert entitlements.decide_one(fan, post).reason == entitlements.Denial.PPV_NOT_PURCHASED
    assert verify.verify().ok


def test_unlock_pages_for_a_post_and_a_message(client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    post = make_post(creator, ppv_minor=800, text="the paid words")
    fan = us_fan()
    client.force_login(fan)
    page = client.get(f"/p/{post.pk}/unlock/").content.decode()
    assert "$8.00" in page and "Tax" in page
    declined = client.post(f"/p/{post.pk}/unlock/", {"payment_method": "4000000000000002"})
    assert declined.status_code == 200 and not PostPurchase.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/p/{post.pk}/unlock/", {"payment_method": CARD})
    assert r.status_code == 302 and r["Location"] == f"/p/{post.pk}/"
    assert client.get(f"/p/{post.pk}/unlock/")["Location"] == f"/p/{post.pk}/"  # already yours
    Follow.objects.create(fan=fan, creator=creator)
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    from payments.money import Money

    paid = ppv.send_paid_message(creator, thread.pk, text="set", price=Money(300, "USD"))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/messages/unlock/{paid.pk}/", {"payment_method": CARD})
    assert r.status_code == 302 and r["Location"] == f"/messages/{thread.pk}/"
    client.force_login(us_fan())
    assert client.get(f"/messages/unlock/{paid.pk}/").status_code == 404
