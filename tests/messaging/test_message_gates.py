"""Issue 10, gate 4: adult messages are gated like posts; the messaging policy holds on every message."""

import pytest

from fansub.accounts.models import Follow, User
from fansub.accounts.services import accounts
from fansub.messaging.models import Message, MessageThread
from fansub.messaging.services import messages
from fansub.verification.models import AgeCheck
from fansub.verification.services import age_assurance
from tests.factories import PASSWORD, make_creator, make_fan
from tests.verification.support import signed

pytestmark = pytest.mark.django_db


def _passed_fan():
    fan = make_fan(country="GB")
    started = age_assurance.start_check(fan, "photo_id_match")
    body, signature = signed(started.check.provider_reference, "passed", "photo_id_match")
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    accounts.update_fan_profile(fan, safe_mode=False)
    return User.objects.get(pk=fan.pk)  # drop the cached profile


def test_adult_creator_message_is_hidden_from_a_fan_whose_age_check_lapsed(api_client, client):
    creator = make_creator(adult=True, verified=True)
    fan = _passed_fan()
    Follow.objects.create(fan=fan, creator=creator)
    message = messages.start_conversation(creator, fan, "explicit words")
    assert Message.objects.get(pk=message.pk).is_adult
    api_client.force_authenticate(fan)
    url = f"/api/v1/threads/{message.thread_id}/messages/"
    assert api_client.get(url).json()["results"][0]["text"] == "explicit words"
    AgeCheck.objects.filter(user=fan).update(status="expired")  # the check lapsed
    api_client.force_authenticate(User.objects.get(pk=fan.pk))
    row = api_client.get(url).json()["results"][0]
    assert row["text"] is None and row["adult_hidden"] is True
    client.login(username=fan.email, password=PASSWORD)
    page = client.get(f"/messages/{message.thread_id}/")
    assert page.status_code == 200 and "explicit words" not in page.content.decode()
    # the sender still sees their own words
    api_client.force_authenticate(creator)
    assert api_client.get(url).json()["results"][0]["text"] == "explicit words"


def test_safe_creator_message_is_not_hidden(api_client):
    creator, fan = make_creator(), make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    message = messages.start_conversation(creator, fan, "hello")
    api_client.force_authenticate(fan)
    row = api_client.get(f"/api/v1/threads/{message.thread_id}/messages/").json()["results"][0]
    assert row["text"] == "hello" and row["adult_hidden"] is False


def test_message_policy_is_checked_on_every_message(api_client):
    creator, fan = make_creator(), make_fan()
    follow = Follow.objects.create(fan=fan, creator=creator)
    thread_id = messages.start_conversation(fan, creator, "hi").thread_id
    messages.set_message_policy(creator, "subscribers")
    api_client.force_authenticate(fan)
    r = api_client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": "again"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "MESSAGING_NOT_ALLOWED"
    messages.set_message_policy(creator, "followers")
    follow.delete()
    r = api_client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": "again"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "MESSAGING_NOT_ALLOWED"
    assert MessageThread.objects.get(pk=thread_id).messages.count() == 1
