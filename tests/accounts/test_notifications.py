"""Notifications: the notify service, channels, the centre page, the unread count, and what feeds them."""

import pytest
from django.core import mail
from django.utils import timezone

from common.errors import NotificationNotFound, ValidationFailed
from fansub.accounts.models import Follow, Notification, NotificationKind, NotificationPreference
from fansub.accounts.services import notifications
from fansub.messaging.services.messages import start_conversation
from payments import hooks
from payments.money import Money
from tests.factories import make_creator, make_fan, make_post, make_subscription, make_tier

pytestmark = pytest.mark.django_db


def test_notify_creates_one_in_app_row_and_emails_after_commit(django_capture_on_commit_callbacks):
    fan = make_fan()
    with django_capture_on_commit_callbacks(execute=True):
        row = notifications.notify(fan, NotificationKind.NEW_MESSAGE, ref="message:1", title="New message",
                                   url="/messages/1/")
    assert row is not None and row.read_at is None
    assert [m.to for m in mail.outbox] == [[fan.email]]
    assert "/messages/1/" in mail.outbox[0].body


def test_notify_is_idempotent_per_ref():
    fan = make_fan()
    assert notifications.notify(fan, NotificationKind.NEW_POST, ref="post:1", title="t") is not None
    assert notifications.notify(fan, NotificationKind.NEW_POST, ref="post:1", title="t") is None  # replay
    assert Notification.objects.filter(user=fan).count() == 1


def test_notify_honours_preferences(django_capture_on_commit_callbacks):
    fan = make_fan()
    notifications.set_preferences(fan, {"new_message": {"in_app": False, "email": False},
                                        "request_update": {"in_app": True, "email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify(fan, "new_message", ref="m:1", title="t") is None
        assert notifications.notify(fan, "request_update", ref="r:1", title="t") is not None
    assert mail.outbox == []
    assert list(Notification.objects.filter(user=fan).values_list("kind", flat=True)) == ["request_update"]


def test_email_only_preference_sends_mail_but_shows_nothing_unread(django_capture_on_commit_callbacks):
    fan = make_fan()
    notifications.set_preferences(fan, {"payout_paid": {"in_app": False, "email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify(fan, "payout_paid", ref="p:1", title="Paid") is None
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(user=fan, read_at__isnull=True).exists()


def test_unknown_kind_and_inactive_users_are_refused_or_skipped():
    fan = make_fan()
    with pytest.raises(ValidationFailed):
        notifications.notify(fan, "spam", ref="x", title="t")
    with pytest.raises(ValidationFailed):
        notifications.set_preferences(fan, {"spam": {"in_app": True}})
    fan.is_active = False
    fan.save()
    assert notifications.notify(fan, "new_post", ref="post:9", title="t") is None


def test_mark_read_only_own_and_idempotent():
    fan, other = make_fan(), make_fan()
    row = notifications.notify(fan, "new_post", ref="post:1", title="t")
    with pytest.raises(NotificationNotFound):
        notifications.mark_read(other, row.pk)
    first = notifications.mark_read(fan, row.pk).read_at
    assert first is not None
    assert notifications.mark_read(fan, row.pk).read_at == first  # replay changes nothing


def test_centre_page_unread_badge_open_and_read_all(client):
    fan = make_fan()
    client.force_login(fan)
    row = notifications.notify(fan, "new_message", ref="m:1", title="New message from @someone", url="/messages/")
    notifications.notify(fan, "new_post", ref="post:1", title="New post from @x", url="/p/1/")
    page = client.get("/account/notifications/").content.decode()
    assert "New message from @someone" in page and "2 unread" in page
    response = client.post(f"/account/notifications/{row.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/messages/"
    assert "1 unread" in client.get("/").content.decode()
    client.post("/account/notifications/read-all/")
    assert "unread" not in client.get("/").content.decode()


def test_opening_someone_elses_notification_is_404(client):
    fan, other = make_fan(), make_fan()
    row = notifications.notify(other, "new_post", ref="post:1", title="t", url="/p/1/")
    client.force_login(fan)
    assert client.post(f"/account/notifications/{row.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=row.pk).read_at is None


def test_offsite_url_is_not_followed(client):
    fan = make_fan()
    row = notifications.notify(fan, "new_post", ref="post:1", title="t", url="https://evil.example/")
    client.force_login(fan)
    assert client.post(f"/account/notifications/{row.pk}/open/")["Location"] == "/account/notifications/"


def test_settings_page_saves_channels(client):
    fan = make_fan()
    client.force_login(fan)
    assert client.get("/account/notifications/settings/").status_code == 200
    client.post("/account/notifications/settings/", {"new_post__in_app": "on", "new_message__email": "on"})
    prefs = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=fan)}
    assert prefs["new_post"] == (True, False) and prefs["new_message"] == (False, True)
    assert prefs["payout_paid"] == (False, False)


def test_pages_need_login(client):
    for path in ("/account/notifications/", "/account/notifications/settings/"):
        assert client.get(path).status_code == 302


# --- sources -------------------------------------------------------------------------------------------
def test_published_post_notifies_followers_and_subscribers_once():
    creator = make_creator()
    follower, subscriber, stranger = make_fan(), make_fan(), make_fan()
    Follow.objects.create(fan=follower, creator=creator)
    make_subscription(subscriber, make_tier(creator))
    post = make_post(creator, public=True)
    post.save()  # an edit does not announce it again
    notified = set(Notification.objects.filter(kind="new_post", ref=f"post:{post.pk}").values_list("user", flat=True))
    assert notified == {follower.pk, subscriber.pk}
    assert stranger.pk not in notified


def test_draft_post_notifies_nobody():
    creator = make_creator()
    Follow.objects.create(fan=make_fan(), creator=creator)
    make_post(creator, public=True, status="draft")
    assert not Notification.objects.filter(kind="new_post").exists()


def test_message_notifies_the_recipient_only():
    creator = make_creator()
    fan = make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    message = start_conversation(fan, creator, "hello there")
    assert list(Notification.objects.filter(kind="new_message").values_list("user", flat=True)) == [creator.pk]
    assert Notification.objects.get(kind="new_message").url == f"/messages/{message.thread_id}/"


def test_renewal_reminder_notifies_the_fan():
    fan, creator = make_fan(), make_creator()
    sub = make_subscription(fan, make_tier(creator))
    sub.renewal_reminded_for = sub.current_period_end
    sub.save(update_fields=["renewal_reminded_for"])
    sub.save(update_fields=["renewal_reminded_for"])  # replay
    rows = Notification.objects.filter(user=fan, kind="renewal_reminder")
    assert rows.count() == 1 and "renews on" in rows.get().title


def test_payout_paid_hook_notifies_the_creator():
    creator = make_creator()
    hooks.notify(hooks.PAYOUT_PAID, creator, Money(2500, "GBP"), "abc")
    row = Notification.objects.get(user=creator, kind="payout_paid")
    assert "£25.00" in row.title and row.url == "/studio/money/"


def test_erased_user_gets_nothing():
    fan = make_fan()
    fan.erased_at = timezone.now()
    fan.save()
    assert notifications.notify(fan, "new_post", ref="post:1", title="t") is None


def test_request_step_notifies_the_other_party_not_the_actor():
    from fansub.custom_requests.models import CustomRequest, CustomRequestStep

    fan, creator = make_fan(), make_creator()
    request = CustomRequest.objects.create(fan=fan, creator=creator, kind="photo", description="A sketch",
                                           price_minor=2500, currency="USD", respond_by=timezone.now())
    CustomRequestStep.objects.create(request=request, from_status="", to_status="submitted", actor=fan,
                                     price_minor=2500)
    CustomRequestStep.objects.create(request=request, from_status="submitted", to_status="declined",
                                     actor=creator, price_minor=2500)
    rows = {(n.user_id, n.title) for n in Notification.objects.filter(kind="request_update")}
    assert rows == {(creator.pk, f"New custom request from @{fan.handle}"), (fan.pk, "Custom request declined")}
