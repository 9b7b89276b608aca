"""The notification centre over the API: a person's own notifications only, paged, unread count, mark read,
channel preferences (which email delivery honours)."""

import pytest
from django.core import mail

from fansub.accounts.api.serializers import NotificationPreferencesSerializer
from fansub.accounts.models import Notification, NotificationKind
from fansub.accounts.services import notifications
from tests.factories import make_fan

pytestmark = pytest.mark.django_db


def _notify(user, n: int, kind: str = NotificationKind.NEW_POST) -> list[Notification]:
    return [notifications.notify(user, kind, ref=f"post:{i}", title=f"Post {i}", url=f"/p/{i}/") for i in range(n)]


def test_list_pages_through_only_my_own_newest_first(api_client):
    me, other = make_fan(), make_fan()
    mine = _notify(me, 3)
    _notify(other, 2)
    api_client.force_authenticate(me)
    first = api_client.get("/api/v1/notifications/?page_size=2")
    assert first.status_code == 200
    assert first.data["count"] == 3
    assert [n["id"] for n in first.data["results"]] == [mine[2].pk, mine[1].pk]
    assert first.data["results"][0]["unread"] is True
    assert first.data["results"][0]["kind_label"] == NotificationKind.NEW_POST.label
    second = api_client.get(first.data["next"])
    assert [n["id"] for n in second.data["results"]] == [mine[0].pk]


def test_unread_filter_count_and_mark_one_read(api_client):
    me = make_fan()
    rows = _notify(me, 3)
    api_client.force_authenticate(me)
    assert api_client.get("/api/v1/notifications/unread-count/").data == {"unread": 3}
    response = api_client.post(f"/api/v1/notifications/{rows[0].pk}/read/")
    assert response.status_code == 200 and response.data["unread"] is False and response.data["read_at"]
    assert api_client.post(f"/api/v1/notifications/{rows[0].pk}/read/").status_code == 200  # replay: harmless
    assert api_client.get("/api/v1/notifications/unread-count/").data == {"unread": 2}
    unread = api_client.get("/api/v1/notifications/?unread=true").data
    assert sorted(n["id"] for n in unread["results"]) == sorted([rows[1].pk, rows[2].pk])


def test_someone_elses_or_a_missing_notification_is_not_found(api_client):
    me, other = make_fan(), make_fan()
    theirs = _notify(other, 1)[0]
    api_client.force_authenticate(me)
    response = api_client.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.data["error"]["code"] == "NOTIFICATION_NOT_FOUND"
    assert api_client.post("/api/v1/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_mine(api_client):
    me, other = make_fan(), make_fan()
    _notify(me, 2)
    _notify(other, 2)
    api_client.force_authenticate(me)
    assert api_client.post("/api/v1/notifications/read-all/").data == {"marked": 2}
    assert api_client.post("/api/v1/notifications/read-all/").data == {"marked": 0}  # replay
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_anonymous_callers_are_refused(api_client):
    for url in ("/api/v1/notifications/", "/api/v1/notifications/unread-count/",
                "/api/v1/notifications/preferences/"):
        assert api_client.get(url).status_code == 401
    assert api_client.post("/api/v1/notifications/read-all/").status_code == 401


def test_preferences_read_defaults_then_change_and_email_honours_them(api_client, django_capture_on_commit_callbacks):
    me = make_fan()
    api_client.force_authenticate(me)
    defaults = api_client.get("/api/v1/notifications/preferences/").data
    assert set(defaults) == set(NotificationKind.values)
    assert defaults["new_post"] == {"in_app": True, "email": False}
    response = api_client.patch("/api/v1/notifications/preferences/",
                                {"new_message": {"in_app": True, "email": False}}, format="json")
    assert response.status_code == 200
    assert response.data["new_message"] == {"in_app": True, "email": False}
    assert response.data["request_update"] == defaults["request_update"]  # left out: unchanged
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(me, NotificationKind.NEW_MESSAGE, ref="message:1", title="Hello")
        notifications.notify(me, NotificationKind.REQUEST_UPDATE, ref="request-step:1", title="Accepted")
    assert [m.subject for m in mail.outbox] == ["Fan-Sub: Accepted"]


@pytest.mark.parametrize("body", [{"spam": {"in_app": True, "email": True}}, {}, {"new_post": {"in_app": "x"}},
                                  {"new_post": "yes"}])
def test_bad_preferences_are_refused_whole(api_client, body):
    me = make_fan()
    api_client.force_authenticate(me)
    response = api_client.patch("/api/v1/notifications/preferences/", body, format="json")
    assert response.status_code == 400
    assert response.data["error"]["code"] == "VALIDATION_ERROR"
    assert not me.notification_preferences.exists()


def test_the_preferences_body_names_every_kind():
    assert set(NotificationPreferencesSerializer().fields) == set(NotificationKind.values)
