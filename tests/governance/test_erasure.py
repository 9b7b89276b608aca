"""Erasure by tombstone: legal-obligation records kept and tagged, held records refused with DSAR_CONFLICT,
the rest erased (every table and the media storage scanned), the pseudonym mapping destroyed."""

import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from common.errors import DsarReasonRequired, InvalidTransition, PermissionDeniedError, ValidationFailed
from fansub.accounts.models import User
from fansub.messaging.models import Message
from governance.models import RetainedRecord
from governance.services import dsar, holds
from payments.models import Receipt
from telemetry.models import MetricCounter, OutboxEvent
from telemetry.pseudonyms import actor_pseudonym, has_salt
from tests.factories import PASSWORD, make_fan, make_staff, verified
from tests.governance.privacy_helpers import find_values, person_with_data, privacy_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": "/media/private/"}}}
    return root


def _values(person):
    return [person.email, person.handle, "coffee from zelda_quux", "lovely work from zelda_quux"]


def test_erasure_keeps_receipts_refuses_held_records_erases_the_rest_and_shreds_the_pseudonym(
        django_capture_on_commit_callbacks):
    person, _creator = person_with_data(django_capture_on_commit_callbacks)
    staff = privacy_staff()
    receipts = list(Receipt.objects.filter(buyer=person).values_list("pk", flat=True))
    assert receipts
    held_message = Message.objects.get(sender=person)
    hold = holds.place(staff, name="Case 2026-17", reason="Subpoena for the conversation",
                       model_labels=["messaging.Message"], object_ids=[held_message.pk])
    LogEntry.objects.create(user=staff, content_type=ContentType.objects.get_for_model(User),
                            object_id=str(person.pk), object_repr=str(person), action_flag=CHANGE,
                            change_message="[]")  # staff once edited the account in the admin
    before = actor_pseudonym(person)
    assert has_salt("user", person.pk)
    values = _values(person)
    assert find_values(values)  # the scan does see the person before

    with django_capture_on_commit_callbacks(execute=True):
        request = dsar.submit_own(person, "erasure", password=PASSWORD)
    request.refresh_from_db()
    person.refresh_from_db()

    assert request.status == "partially_completed"
    # kept by legal obligation, tagged with basis and keep-until
    tags = RetainedRecord.objects.filter(model_label="payments.Receipt", subject=person)
    assert {int(t.object_pk) for t in tags} == set(receipts)
    assert all(t.basis == "legal obligation" and t.keep_until for t in tags)
    kept = {k["model"] for k in request.report["kept"]}
    assert {"payments.Receipt", "payments.Payment"} <= kept
    assert Receipt.objects.filter(pk__in=receipts).count() == len(receipts)
    # held records refused with DSAR_CONFLICT naming the hold; they remain
    refused = request.report["refused"]
    assert {r["code"] for r in refused} == {"DSAR_CONFLICT"}
    assert all(r["details"]["holds"] == ["Case 2026-17"] for r in refused)
    # the message, and its thread (deleting the thread would cascade into the held message)
    assert {r["details"]["model"] for r in refused} == {"messaging.Message", "messaging.MessageThread"}
    assert Message.objects.filter(pk=held_message.pk, text="hi, zelda_quux here").exists()
    assert MetricCounter.objects.filter(name="DSAR_CONFLICT").exists()
    # the rest erased: no table holds the person's values outside the tagged records
    assert find_values(values) == []
    assert person.erased_at and not person.is_active and not person.has_usable_password()
    # the pseudonym mapping is destroyed; the tombstone event carried the last link
    assert not has_salt("user", person.pk)
    assert actor_pseudonym(person) != before
    tombstone = OutboxEvent.objects.get(event_type="privacy.subject_erased")
    assert tombstone.envelope["payload"] == {"subject_id": before}
    # the person gets the erasure report
    assert any("Receipt" in m.body and "Case 2026-17" in m.body for m in mail.outbox)
    assert mail.outbox[-1].to == ["zelda_quux@example.test"]

    # releasing the hold runs what was deferred
    with django_capture_on_commit_callbacks(execute=True):
        holds.release(staff, hold, reason="Case closed")
    request.refresh_from_db()
    assert request.status == "completed"
    assert not Message.objects.filter(pk=held_message.pk).exists()
    assert not RetainedRecord.objects.filter(basis="legal hold").exists()
    leftovers = find_values(values, allow_retained=False)  # only in the records kept by legal obligation
    kept_models = {k["model"] for k in request.report["kept"]}
    assert leftovers and all(f.split(":")[0] in kept_models for f in leftovers)


def test_erasure_deletes_the_persons_media_renditions_and_delivered_copies(
        django_capture_on_commit_callbacks, _private_storage):
    from fansub.media.models import MediaItem
    from fansub.media.services import delivery, processing, uploads
    from tests.factories import make_creator
    from tests.media.corpus import jpeg_with_gps

    creator = make_creator(handle="ulla_uploads")
    creator.creator_profile.bio = "I paint turquoise walruses"
    creator.creator_profile.save()
    data = jpeg_with_gps()
    with django_capture_on_commit_callbacks(execute=True):
        item = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="walrus.jpg",
                                    content_type="image/jpeg").item
    item.refresh_from_db()
    if item.state == "uploaded":
        processing.process_media_item(item.pk)
        item.refresh_from_db()
    delivery.deliver(creator, item, "final")  # the owner's own delivered copy is cached too
    stored = [p for p in _private_storage.rglob("*") if p.is_file()]
    assert len(stored) >= 3
    with django_capture_on_commit_callbacks(execute=True):
        dsar.submit_own(creator, "erasure", password=PASSWORD)
    assert not MediaItem.objects.exists()
    assert [p for p in _private_storage.rglob("*") if p.is_file()] == []
    assert find_values(["ulla_uploads", "turquoise walruses", "Ulla_Uploads"]) == []


def test_holds_are_placed_and_released_only_by_privacy_staff_with_a_reason():
    staff, person = privacy_staff(), make_fan()
    for outsider in (verified(make_staff()), person):
        with pytest.raises(PermissionDeniedError):
            holds.place(outsider, name="X", reason="Y", subject=person)
    with pytest.raises(DsarReasonRequired):
        holds.place(staff, name="X", reason="", subject=person)
    with pytest.raises(ValidationFailed):  # neither a person nor objects
        holds.place(staff, name="X", reason="Y")
    with pytest.raises(ValidationFailed):
        holds.place(staff, name="X", reason="Y", model_labels=["nope.Nothing"], object_ids=[1])
    hold = holds.place(staff, name="X", reason="Y", subject=person)
    with pytest.raises(DsarReasonRequired):
        holds.release(staff, hold, reason="")
    holds.release(staff, hold, reason="done")
    with pytest.raises(InvalidTransition):
        holds.release(staff, hold, reason="again")
    assert OutboxEvent.objects.filter(event_type__startswith="legal_hold.").count() == 2


def test_a_hold_on_the_whole_person_defers_the_tombstone(django_capture_on_commit_callbacks):
    staff, person = privacy_staff(), make_fan(handle="held_harriet")
    holds.place(staff, name="Litigation", reason="Preserve everything", subject=person)
    with django_capture_on_commit_callbacks(execute=True):
        request = dsar.submit_own(person, "erasure", password=PASSWORD)
    request.refresh_from_db()
    assert request.status == "partially_completed"
    assert User.objects.get(pk=person.pk).email == person.email
    assert has_salt("user", person.pk)


def test_account_deletion_from_the_privacy_page(client, django_capture_on_commit_callbacks):
    person, _creator = person_with_data(django_capture_on_commit_callbacks)
    client.force_login(person)
    page = client.get("/account/privacy/")
    assert page.status_code == 200 and b"Delete my account" in page.content
    wrong = client.post("/account/privacy/", {"action": "delete", "password": "nope", "confirm": "on"})
    assert wrong.status_code == 200 and b"current password" in wrong.content
    assert User.objects.get(pk=person.pk).erased_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/account/privacy/", {"action": "delete", "password": PASSWORD, "confirm": "on"})
    assert done.status_code == 200
    assert b"being deleted" in done.content  # the erasure runs in a task; its report is emailed
    assert any("payments.Receipt" in m.body and m.to == ["zelda_quux@example.test"] for m in mail.outbox)
    assert User.objects.get(pk=person.pk).erased_at is not None
    assert client.get("/account/privacy/").status_code == 302  # logged out


def test_someone_elses_erasure_leaves_my_data(django_capture_on_commit_callbacks):
    person, creator = person_with_data(django_capture_on_commit_callbacks)
    bystander = make_fan(handle="bystander_bo")
    with django_capture_on_commit_callbacks(execute=True):
        dsar.submit_own(person, "erasure", password=PASSWORD)
    assert User.objects.get(pk=bystander.pk).email == "bystander_bo@example.test"
    assert Message.objects.filter(sender=creator, text="thanks for writing").exists() is False  # thread deleted
