"""DMCA notices (17 U.S.C. 512(c)(3)(A)): each missing element named in a 422; incomplete notices with
(ii)-(iv) stored and the sender asked to complete them; a valid notice takes the material down at once,
notifies the uploader without the complainant's contact details, records a strike and an audit row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.media.models import MediaState
from fansub.media.services import access, links
from governance.models import AuditLog
from moderation.models import CopyrightStrike, DmcaNotice, HashEntry, MediaHash, NoticeStatus
from moderation.selectors import dmca_counts
from moderation.services import dmca_notices
from moderation.services.hash_lists import REUPLOAD_LIST
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post
from tests.moderation.dmca_support import jpeg, png, scene, uploader, use_tmp_storage

NOTICE_URL = "/api/v1/moderation/dmca/notices/"
COMPLAINANT = "Rights Holder Ltd, 1 Main St, Springfield; +1 555 0100; legal@rights.example"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_tmp_storage(settings, tmp_path)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    return uploader(django_capture_on_commit_callbacks)


@pytest.fixture
def posted(db, upload):
    creator = make_creator()
    item = upload(creator, png(scene(21)), name="mine.png")
    assert item.state == MediaState.READY
    return creator, item


def full_notice(item, **changes):
    body = {"signature": "/Jane Holder/", "copyrighted_work": "Photograph 'Sunset 12' (2024)",
            "infringing_material": f"https://fansub.example/media/{item.public_id}/",
            "contact_information": COMPLAINANT, "good_faith_statement": True, "accuracy_statement": True}
    body.update(changes)
    return body


@pytest.mark.django_db
def test_a_notice_without_the_good_faith_statement_is_refused_naming_it(api_client, posted, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    _, item = posted
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(NOTICE_URL, full_notice(item, good_faith_statement=False), format="json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "DMCA_NOTICE_INCOMPLETE"
    assert error["details"]["missing"] == ["good_faith_statement"]
    assert "good-faith" in error["message"]
    # (ii)-(iv) were there: stored as incomplete, and the sender asked to complete it
    notice = DmcaNotice.objects.get()
    assert notice.status == NoticeStatus.INCOMPLETE and notice.missing_elements == ["good_faith_statement"]
    assert error["details"]["completion_requested"] is True and error["details"]["notice_id"] == str(notice.public_id)
    assert [m.to for m in mailoutbox] == [["legal@rights.example"]]
    assert "good-faith" in mailoutbox[0].body
    # nothing was taken down, no strike
    item.refresh_from_db()
    assert item.state == MediaState.READY and not CopyrightStrike.objects.exists()


@pytest.mark.django_db
def test_each_missing_element_is_named(api_client, posted, mailoutbox):
    response = api_client.post(NOTICE_URL, {}, format="json")
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert details["missing"] == ["signature", "copyrighted_work", "infringing_material", "contact_information",
                                  "good_faith_statement", "accuracy_statement"]
    assert set(details["elements"]) == set(details["missing"])
    assert details["completion_requested"] is False
    assert not DmcaNotice.objects.exists() and mailoutbox == []  # (ii)-(iv) missing: nobody to contact


@pytest.mark.django_db
def test_missing_signature_and_accuracy_with_ii_to_iv_present(api_client, posted):
    _, item = posted
    response = api_client.post(NOTICE_URL, full_notice(item, signature="", accuracy_statement=False), format="json")
    assert response.status_code == 422
    assert response.json()["error"]["details"]["missing"] == ["signature", "accuracy_statement"]
    assert DmcaNotice.objects.get().status == NoticeStatus.INCOMPLETE


@pytest.mark.django_db
def test_a_valid_notice_takes_the_material_down_notifies_the_uploader_and_records_a_strike(
        api_client, client, posted, mailoutbox, django_capture_on_commit_callbacks):
    creator, item = posted
    fan = make_fan()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(NOTICE_URL, full_notice(item), format="json")
    assert response.status_code == 201
    [result] = response.json()["notices"]
    assert result["status"] == "disabled" and result["items"] == 1
    notice = DmcaNotice.objects.get(public_id=result["notice_id"])
    assert notice.uploader == creator and notice.disabled_at is not None
    # material down: nobody but staff is served it, not even its owner
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED
    assert not access.can_view_final(fan, item) and not access.can_view_final(creator, item)
    assert access.preview_kind_for(fan, item, "preview") is None
    # the uploader is notified with the notice, the complainant's contact details left out
    [message] = mailoutbox
    assert message.to == [creator.email]
    assert "Sunset 12" in message.body and "/Jane Holder/" in message.body and str(notice.public_id) in message.body
    assert "legal@rights.example" not in message.body and "555 0100" not in message.body
    assert "Main St" not in message.body
    # a strike and an audit row
    strike = CopyrightStrike.objects.get(user=creator, notice=notice)
    assert strike.expires_at > timezone.now() + timedelta(days=300)
    assert AuditLog.objects.filter(action="dmca.material_disabled", object_id=str(notice.pk)).exists()
    assert AuditLog.objects.filter(action="media.taken_down", object_id=str(item.pk)).exists()
    # events without personal data
    event = OutboxEvent.objects.get(event_type="dmca.notice_received")
    assert event.envelope["payload"]["status"] == "disabled"
    assert "rights.example" not in str(event.envelope) and "Jane" not in str(event.envelope)
    assert OutboxEvent.objects.filter(event_type="dmca.strike_recorded").exists()
    # the item's hashes joined the re-upload list
    assert HashEntry.objects.filter(hash_list__name=REUPLOAD_LIST, label=f"dmca:{notice.public_id}").exists()
    counts = dmca_counts(timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1))
    assert counts["notices"] == 1 and counts["notices_actioned"] == 1
    published = client.get("/transparency/").context["counts"]  # the public transparency page counts it
    assert (published["dmca_notices"], published["dmca_notices_actioned"]) == (1, 1)


@pytest.mark.django_db
def test_material_of_two_accounts_gives_one_notice_each(api_client, upload, posted):
    creator, item = posted
    other = make_creator()
    other_item = upload(other, png(scene(22)), name="o.png")
    material = f"https://x/media/{item.public_id}/ and https://x/media/{other_item.public_id}/"
    response = api_client.post(NOTICE_URL, full_notice(item, infringing_material=material), format="json")
    assert response.status_code == 201 and len(response.json()["notices"]) == 2
    assert set(DmcaNotice.objects.values_list("uploader", flat=True)) == {creator.pk, other.pk}
    assert CopyrightStrike.objects.count() == 2


@pytest.mark.django_db
def test_material_that_is_not_here_is_refused(api_client, posted):
    _, item = posted
    response = api_client.post(NOTICE_URL, full_notice(item, infringing_material="https://elsewhere.example/x"),
                               format="json")
    assert response.status_code == 422 and response.json()["error"]["code"] == "DMCA_MATERIAL_NOT_FOUND"
    assert not DmcaNotice.objects.exists()


@pytest.mark.django_db
def test_a_removed_picture_cannot_be_posted_again(api_client, posted, upload):
    _, item = posted
    assert api_client.post(NOTICE_URL, full_notice(item), format="json").status_code == 201
    again = upload(make_creator(), jpeg(scene(21).resize((500, 375)), quality=70), name="again.jpg")
    assert again.state == MediaState.FAILED and again.failure_code == "DMCA_REUPLOAD_BLOCKED"
    unrelated = upload(make_creator(), png(scene(23)), name="fine.png")
    assert unrelated.state == MediaState.READY


@pytest.mark.django_db
def test_the_public_form_names_each_missing_element_and_files_a_valid_notice(client, posted):
    _, item = posted
    page = client.get("/legal/dmca/notice/")
    assert page.status_code == 200 and b"512(c)(3)(A)(v)" in page.content
    data = full_notice(item)
    data.pop("good_faith_statement")
    data.pop("signature")
    refused = client.post("/legal/dmca/notice/", data)
    assert refused.status_code == 422
    assert "Required by law: 512(c)(3)(A)(v) good-faith statement" in refused.content.decode()
    assert "Required by law: 512(c)(3)(A)(i) physical or electronic signature" in refused.content.decode()
    done = client.post("/legal/dmca/notice/", {**full_notice(item), "good_faith_statement": "on",
                                               "accuracy_statement": "on"})
    assert done.status_code == 201 and b"disabled access" in done.content
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED


def test_locating_material_reads_media_ids_in_urls():
    text = "see https://fansub.example/media/0f8fad5b-d9cb-469f-a165-70867728950e/ please"
    assert dmca_notices.UUID_PATTERN.search(text).group(0) == "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.mark.django_db
def test_a_post_url_locates_the_media_attached_to_the_post(api_client, posted):
    creator, item = posted
    post = make_post(creator, public=True)
    links.attach(creator, "post", post.pk, [str(item.public_id)])
    body = full_notice(item, infringing_material=f"https://fansub.example/p/{post.pk}/")
    response = api_client.post(NOTICE_URL, body, format="json")
    assert response.status_code == 201 and response.json()["notices"][0]["items"] == 1
    item.refresh_from_db()
    assert item.state == MediaState.QUARANTINED


@pytest.mark.django_db
def test_the_sender_completes_an_incomplete_notice(api_client, posted):
    _, item = posted
    first = api_client.post(NOTICE_URL, full_notice(item, good_faith_statement=False), format="json")
    notice_id = first.json()["error"]["details"]["notice_id"]
    done = api_client.post(NOTICE_URL, {**full_notice(item), "completes": notice_id}, format="json")
    assert done.status_code == 201 and done.json()["notices"][0]["notice_id"] == notice_id
    notice = DmcaNotice.objects.get()
    assert notice.status == NoticeStatus.DISABLED and notice.missing_elements == [] and notice.good_faith_statement


@pytest.mark.django_db
def test_media_processed_before_hashes_were_kept_is_hashed_when_removed(api_client, posted):
    _, item = posted
    MediaHash.objects.all().delete()
    assert api_client.post(NOTICE_URL, full_notice(item), format="json").status_code == 201
    assert HashEntry.objects.filter(hash_list__name=REUPLOAD_LIST).count() == 1
