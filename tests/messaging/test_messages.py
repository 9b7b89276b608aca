import pytest

from fansub.accounts.models import Block, Follow
from fansub.messaging import segments
from fansub.messaging.models import MassMessage, MassMessageRecipient, Message, MessageThread
from fansub.messaging.services import mass_delivery
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def _follow(fan, creator):
    Follow.objects.create(fan=fan, creator=creator)


def test_fan_starts_thread_and_both_read_it(api_client):
    creator, fan = make_creator(), make_fan()
    _follow(fan, creator)
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "hi there"}, format="json")
    assert r.status_code == 201
    thread_id = r.json()["thread_id"]
    event = OutboxEvent.objects.get(event_type="message.sent")
    assert "hi there" not in str(event.envelope)
    api_client.force_authenticate(creator)
    threads = api_client.get("/api/v1/threads/").json()["results"]
    assert threads == [{"id": thread_id, "with": fan.handle, "last_message_at": threads[0]["last_message_at"],
                        "unread": 1}]
    assert api_client.post(f"/api/v1/threads/{thread_id}/read/").status_code == 204
    assert api_client.get("/api/v1/threads/").json()["results"][0]["unread"] == 0
    r = api_client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": "hello back"}, format="json")
    assert r.status_code == 201
    msgs = api_client.get(f"/api/v1/threads/{thread_id}/messages/").json()["results"]
    assert [m["text"] for m in msgs] == ["hi there", "hello back"]


def test_nobody_else_reads_a_thread_by_any_id(api_client, client):
    creator, fan, stranger = make_creator(), make_fan(), make_fan()
    _follow(fan, creator)
    api_client.force_authenticate(fan)
    thread_id = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "private"},
                                format="json").json()["thread_id"]
    for intruder in (stranger, make_creator()):
        api_client.force_authenticate(intruder)
        assert api_client.get(f"/api/v1/threads/{thread_id}/messages/").status_code == 404
        assert api_client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": "x"},
                               format="json").status_code == 404
        assert api_client.post(f"/api/v1/threads/{thread_id}/read/").status_code == 404
        assert "private" not in str(api_client.get("/api/v1/threads/").json())
        client.force_login(intruder)
        assert client.get(f"/messages/{thread_id}/").status_code == 404
    assert Message.objects.count() == 1


def test_message_policy_and_blocks(api_client):
    creator, fan = make_creator(), make_fan()
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "hi"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "MESSAGING_NOT_ALLOWED"
    _follow(fan, creator)
    api_client.force_authenticate(creator)
    assert api_client.put("/api/v1/me/message-policy/", {"policy": "subscribers"}, format="json").status_code == 204
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "hi"},
                           format="json").status_code == 403
    make_subscription(fan, make_tier(creator))
    r = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "hi"}, format="json")
    assert r.status_code == 201
    Block.objects.create(blocker=fan, blocked=creator)  # either side may block
    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/threads/{r.json()['thread_id']}/messages/", {"text": "?"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "BLOCKED"


def test_rate_limit(api_client, settings):
    settings.MESSAGE_RATE_PER_MINUTE = 3
    creator, fan = make_creator(), make_fan()
    _follow(fan, creator)
    api_client.force_authenticate(fan)
    thread = api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "1"}, format="json").json()
    for text in ("2", "3"):
        assert api_client.post(f"/api/v1/threads/{thread['thread_id']}/messages/", {"text": text},
                               format="json").status_code == 201
    r = api_client.post(f"/api/v1/threads/{thread['thread_id']}/messages/", {"text": "4"}, format="json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED"


def test_empty_or_huge_text_refused(api_client):
    creator, fan = make_creator(), make_fan()
    _follow(fan, creator)
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "   "},
                           format="json").status_code == 400
    assert api_client.post(f"/api/v1/users/{creator.handle}/messages/", {"text": "x" * 5001},
                           format="json").status_code == 400


def test_mass_message_segments_and_delivery(api_client, django_capture_on_commit_callbacks):
    creator = make_creator()
    gold, silver = make_tier(creator, name="Gold"), make_tier(creator, name="Silver")
    gold_fans = [make_fan() for _ in range(3)]
    silver_fans = [make_fan() for _ in range(2)]
    for f in gold_fans:
        make_subscription(f, gold)
    for f in silver_fans:
        make_subscription(f, silver)
    follower, expired, blocked = make_fan(), make_fan(), make_fan()
    _follow(follower, creator)
    make_subscription(expired, gold, status="expired", days_left=-10)
    make_subscription(blocked, gold)
    Block.objects.create(blocker=creator, blocked=blocked)
    api_client.force_authenticate(creator)
    counts = api_client.get("/api/v1/me/mass-messages/").json()["segment_counts"]
    assert counts == {"subscribers": 5, "tiers": 0, "followers": 1, "expired": 1, "buyers": 0}
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post("/api/v1/me/mass-messages/", {"text": "gold news", "segment": "tiers",
                                                          "tier_ids": [gold.pk]}, format="json")
    assert r.status_code == 202 and r.json()["status"] == "queued"  # the request does not wait for delivery
    mass = MassMessage.objects.get()
    assert mass.status == "sent" and mass.delivered_count == 3  # eager Celery in tests
    assert set(MassMessageRecipient.objects.values_list("fan_id", flat=True)) == {f.pk for f in gold_fans}
    assert MessageThread.objects.filter(creator=creator).count() == 3
    assert mass_delivery.deliver(mass.pk) == 0  # a repeated task sends nothing twice
    r = api_client.post("/api/v1/me/mass-messages/", {"text": "x", "segment": "tiers", "tier_ids": []},
                        format="json")
    assert r.status_code == 400


def test_mass_message_resumes_without_duplicates():
    creator = make_creator()
    tier = make_tier(creator)
    fans = [make_fan() for _ in range(5)]
    for f in fans:
        make_subscription(f, tier)
    mass = MassMessage.objects.create(creator=creator, text="hello", segment="subscribers")
    mass_delivery.deliver_batch(mass, creator, [fans[0].pk, fans[1].pk])  # a run that crashed after one batch
    assert mass_delivery.deliver(mass.pk) == 3
    assert MassMessageRecipient.objects.filter(mass_message=mass).count() == 5
    assert Message.objects.filter(mass_message=mass).count() == 5


def test_fans_cannot_mass_message(api_client):
    api_client.force_authenticate(make_fan())
    r = api_client.post("/api/v1/me/mass-messages/", {"text": "x", "segment": "followers"}, format="json")
    assert r.status_code == 403


def test_message_pages(client):
    creator, fan = make_creator(), make_fan()
    _follow(fan, creator)
    client.force_login(fan)
    r = client.post(f"/messages/new/{creator.handle}/", {"text": "page hello"})
    assert r.status_code == 302
    thread_url = r["Location"]
    assert "page hello" in client.get(thread_url).content.decode()
    assert client.post(thread_url, {"text": "second"}).status_code == 302
    assert creator.handle in client.get("/messages/").content.decode()
    client.force_login(creator)
    page = client.get("/messages/").content.decode()
    assert "2 new" in page
    mass_page = client.get("/studio/mass-message/").content.decode()
    assert 'Followers (<span data-segment="followers">1</span> fan)' in mass_page


def test_buyers_segment_counts_tippers_and_ppv_buyers():
    from fansub.purchases.models import MessageUnlock, PostPurchase, Tip
    from tests.factories import make_post

    creator = make_creator()
    tipper, post_buyer, message_buyer, failed_tipper, nobody = (make_fan() for _ in range(5))
    Tip.objects.create(fan=tipper, creator=creator, amount_minor=500, currency="USD", status="succeeded",
                       idempotency_key="a")
    Tip.objects.create(fan=failed_tipper, creator=creator, amount_minor=500, currency="USD", status="failed",
                       idempotency_key="b")
    PostPurchase.objects.create(post=make_post(creator, ppv_minor=300), fan=post_buyer)
    thread = MessageThread.objects.create(fan=message_buyer, creator=creator)
    paid = Message.objects.create(thread=thread, sender=creator, text="x", price_minor=300, currency="USD")
    MessageUnlock.objects.create(message=paid, fan=message_buyer)
    fans = set(segments.segment_fans(creator, "buyers"))
    assert fans == {tipper.pk, post_buyer.pk, message_buyer.pk}
    assert nobody.pk not in fans
