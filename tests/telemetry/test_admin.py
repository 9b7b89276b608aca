"""The event pipeline in the admin: visible to every staff member, editable by nobody."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice

from telemetry import metrics, outbox
from telemetry.events import emit
from telemetry.models import DeadLetterEvent, MetricCounter, OutboxEvent
from tests.factories import PASSWORD, make_fan, make_staff

pytestmark = pytest.mark.django_db

PAGES = ("/admin/telemetry/outboxevent/", "/admin/telemetry/deadletterevent/", "/admin/telemetry/metriccounter/")


def _admin_login(client, user):
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token="tok12345")
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD,
                                             "otp_token": "tok12345", "next": "/admin/"})
    assert response.status_code == 302


@pytest.fixture
def pipeline_rows():
    for _ in range(5):
        emit("account.logged_in", {"surface": "page"})
    emit("account.logged_in", {"surface": "carrier-pigeon"})  # one dead letter, one metric
    return OutboxEvent.objects.first(), DeadLetterEvent.objects.get(), MetricCounter.objects.get()


@pytest.mark.allow_dead_letters
def test_staff_without_permissions_sees_the_pipeline_in_the_admin(client, pipeline_rows):
    outbox, dead, _counter = pipeline_rows
    _admin_login(client, make_staff())

    index = client.get("/admin/").content.decode()
    assert "Outbox events" in index and "Dead letter events" in index and "Metric counters" in index
    for page in PAGES:
        assert client.get(page).status_code == 200
    detail = client.get(f"/admin/telemetry/outboxevent/{outbox.pk}/change/")
    assert detail.status_code == 200 and str(outbox.event_id) in detail.content.decode()
    detail = client.get(f"/admin/telemetry/deadletterevent/{dead.pk}/change/").content.decode()
    assert "EVENT_SCHEMA_INVALID" in detail and "carrier-pigeon" in detail
    assert "EVENT_SCHEMA_INVALID" in client.get(PAGES[2]).content.decode()
    assert client.get(PAGES[0] + "?published=no").status_code == 200


@pytest.mark.allow_dead_letters
def test_nobody_may_add_change_or_delete_pipeline_rows(client, pipeline_rows):
    outbox, dead, counter = pipeline_rows
    _admin_login(client, make_staff(superuser=True))

    assert client.get("/admin/telemetry/outboxevent/add/").status_code == 403
    assert client.post(f"/admin/telemetry/outboxevent/{outbox.pk}/change/", {"attempts": 9}).status_code == 403
    assert client.post(f"/admin/telemetry/deadletterevent/{dead.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/telemetry/metriccounter/{counter.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutboxEvent.objects.get(pk=outbox.pk).attempts == 0 and DeadLetterEvent.objects.filter(pk=dead.pk).exists()


def test_fans_cannot_see_the_pipeline(client):
    client.force_login(make_fan())
    for page in PAGES:
        assert client.get(page).status_code == 302  # to the admin login


def test_outbox_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    _admin_login(client, make_staff())
    emit("account.logged_in", {"surface": "page"})
    outbox.flush()  # the emitted row is written before the next statement anyway: not the page's query
    # session, user, OTP device, permissions x2, count, rows, date bounds, days, types, the request event
    with django_assert_max_num_queries(14) as few:
        client.get(PAGES[0])
    for _ in range(30):
        emit("account.logged_in", {"surface": "page"})
    metrics.increment("EVENT_PUT_FAILED", component="test")
    outbox.flush()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGES[0]).status_code == 200


@pytest.mark.allow_dead_letters
def test_searching_the_outbox_by_type_or_event_id(client, pipeline_rows):
    outbox, _dead, _counter = pipeline_rows
    _admin_login(client, make_staff())
    by_type = client.get(PAGES[0], {"q": "account.logged_in"})
    # the five rows plus the staff member's own admin log-in, which is now an event too
    assert by_type.status_code == 200 and by_type.context["cl"].result_count == 6
    assert OutboxEvent.objects.filter(event_type="account.logged_in", envelope__payload__surface="admin").count() == 1
    by_id = client.get(PAGES[0], {"q": str(outbox.event_id)})
    assert by_id.status_code == 200 and [row.pk for row in by_id.context["cl"].result_list] == [outbox.pk]
    assert client.get(PAGES[0], {"q": "not-a-uuid"}).context["cl"].result_count == 0
