"""Counter-notices (17 U.S.C. 512(g)): each missing element named; a valid one is forwarded to the complainant the
same day; the material is still down on business day 9, restored by business day 14, and stays down when the
complainant reports a filed action."""

import pytest
from django.utils import timezone

from common.errors import InvalidTransition, PermissionDeniedError
from fansub.media.models import MediaState
from governance.models import AuditLog
from moderation.models import CopyrightStrike, CounterNotice, HashEntry, NoticeStatus
from moderation.services import business_days, counter_notices, dmca_notices
from moderation.services.hash_lists import REUPLOAD_LIST
from moderation.tasks import run_dmca_restorations
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_staff, verified
from tests.moderation.dmca_support import png, scene, uploader, use_tmp_storage
from tests.moderation.test_dmca_notices import full_notice


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_tmp_storage(settings, tmp_path)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    return uploader(django_capture_on_commit_callbacks)


@pytest.fixture
def noticed(db, upload):
    creator = make_creator()
    item = upload(creator, png(scene(31)), name="mine.png")
    [notice] = dmca_notices.submit_notice(full_notice(item))
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED
    return creator, item, notice


def counter(**changes):
    body = {"signature": "/Sam Creator/", "removed_material": "My photo, formerly at /media/…/",
            "good_faith_statement": True, "name": "Sam Creator", "address": "2 Side St, Shelbyville",
            "phone": "+1 555 0199", "jurisdiction_consent": True, "service_consent": True}
    body.update(changes)
    return body


def url(notice):
    return f"/api/v1/moderation/dmca/notices/{notice.public_id}/counter-notice/"


@pytest.mark.django_db
def test_a_counter_notice_without_consent_to_jurisdiction_is_refused_naming_it(api_client, noticed):
    creator, _, notice = noticed
    api_client.force_authenticate(creator)
    response = api_client.post(url(notice), counter(jurisdiction_consent=False), format="json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "DMCA_COUNTER_NOTICE_INCOMPLETE"
    assert error["details"]["missing"] == ["jurisdiction_consent"]
    assert "jurisdiction" in error["message"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DISABLED and not CounterNotice.objects.exists()


@pytest.mark.django_db
def test_each_missing_counter_element_is_named(api_client, noticed):
    creator, _, notice = noticed
    api_client.force_authenticate(creator)
    response = api_client.post(url(notice), {}, format="json")
    assert response.json()["error"]["details"]["missing"] == [
        "signature", "removed_material", "good_faith_statement", "name", "address", "phone",
        "jurisdiction_consent", "service_consent"]


@pytest.mark.django_db
def test_only_the_uploader_may_counter_notify(api_client, noticed):
    _, _, notice = noticed
    api_client.force_authenticate(make_creator())
    assert api_client.post(url(notice), counter(), format="json").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(url(notice), counter(), format="json").status_code in (401, 403)


@pytest.mark.django_db
def test_a_valid_counter_notice_is_forwarded_the_same_day_and_restored_between_day_10_and_14(
        api_client, noticed, mailoutbox, django_capture_on_commit_callbacks):
    creator, item, notice = noticed
    mailoutbox.clear()
    api_client.force_authenticate(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(url(notice), counter(), format="json")
    assert response.status_code == 201
    saved = CounterNotice.objects.get(notice=notice)
    received = saved.received_at.date()
    # forwarded to the complainant the same day, with the counter-notice and the way to stop restoration
    assert saved.forwarded_at.date() == received == timezone.now().date()
    [message] = mailoutbox
    assert message.to == ["legal@rights.example"]
    assert "Sam Creator" in message.body and "2 Side St" in message.body and "+1 555 0199" in message.body
    assert "/legal/dmca/suit/" in message.body
    day9, day10, day14 = (business_days.nth_business_day_after(received, n) for n in (9, 10, 14))
    assert (saved.restore_from, saved.restore_by) == (day10, day14)
    assert response.json()["restore_from"] == day10.isoformat()
    # still down on business day 9
    assert counter_notices.restore_due(day9) == 0
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED
    # restored on business day 10 (and so by 14): the strike and the re-upload entry go with it
    assert counter_notices.restore_due(day10) == 1
    item.refresh_from_db()
    notice.refresh_from_db()
    assert item.state == MediaState.READY and notice.status == NoticeStatus.RESTORED
    assert CopyrightStrike.objects.get(notice=notice).reversed_at is not None
    assert not HashEntry.objects.filter(hash_list__name=REUPLOAD_LIST, label=f"dmca:{notice.public_id}").exists()
    assert AuditLog.objects.filter(action="dmca.material_restored").exists()
    assert OutboxEvent.objects.get(event_type="dmca.material_restored").envelope["payload"]["business_day"] == 10
    assert counter_notices.restore_due(day14) == 0  # replay: nothing more to do


@pytest.mark.django_db
def test_restoration_on_day_14_when_the_beat_did_not_run_before(noticed):
    creator, item, notice = noticed
    saved = counter_notices.submit_counter_notice(creator, notice.public_id, counter())
    assert counter_notices.restore_due(saved.restore_by) == 1
    item.refresh_from_db()
    assert item.state == MediaState.READY


@pytest.mark.django_db
def test_the_material_stays_down_when_the_complainant_reports_a_filed_action(api_client, noticed):
    creator, item, notice = noticed
    saved = counter_notices.submit_counter_notice(creator, notice.public_id, counter())
    token = counter_notices.suit_token(notice)
    response = api_client.post(f"/api/v1/moderation/dmca/suits/{token}/")
    assert response.status_code == 200 and response.json()["status"] == "suit_filed"
    assert counter_notices.restore_due(saved.restore_by) == 0
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED
    assert api_client.post(f"/api/v1/moderation/dmca/suits/{token}/").status_code == 409  # replay
    assert api_client.post("/api/v1/moderation/dmca/suits/forged/").status_code == 404


@pytest.mark.django_db
def test_staff_record_a_filed_action_and_a_second_counter_notice_is_refused(noticed):
    creator, _, notice = noticed
    counter_notices.submit_counter_notice(creator, notice.public_id, counter())
    with pytest.raises(InvalidTransition):
        counter_notices.submit_counter_notice(creator, notice.public_id, counter())
    with pytest.raises(PermissionDeniedError):
        counter_notices.report_filed_action(notice, actor=make_staff())  # no second factor
    assert counter_notices.report_filed_action(notice, actor=verified(make_staff())).status == "suit_filed"


@pytest.mark.django_db
def test_the_beat_task_restores_what_is_due(noticed):
    creator, item, notice = noticed
    saved = counter_notices.submit_counter_notice(creator, notice.public_id, counter())
    assert run_dmca_restorations() == 0
    CounterNotice.objects.filter(pk=saved.pk).update(restore_from=timezone.now().date())
    assert run_dmca_restorations() == 1
    item.refresh_from_db()
    assert item.state == MediaState.READY


@pytest.mark.django_db
def test_the_counter_notice_page(client, noticed):
    creator, _, notice = noticed
    client.force_login(creator)
    page = client.get("/studio/dmca/")
    assert page.status_code == 200 and str(notice.public_id) in page.content.decode()
    form = client.get(f"/studio/dmca/notices/{notice.public_id}/counter-notice/")
    assert form.status_code == 200 and "legal@rights.example" not in form.content.decode()
    refused = client.post(f"/studio/dmca/notices/{notice.public_id}/counter-notice/",
                          {k: v for k, v in counter().items() if k != "service_consent"})
    assert refused.status_code == 422 and "512(g)(3)(D) agreement to accept service" in refused.content.decode()
    done = client.post(f"/studio/dmca/notices/{notice.public_id}/counter-notice/",
                       {**counter(), "good_faith_statement": "on", "jurisdiction_consent": "on",
                        "service_consent": "on"})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.COUNTERED
