"""Retention of identity documents, request deliveries' media and messages' media: a run deletes what expired
(the files in storage included) and nothing else; legal holds and legal obligations win."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fansub.accounts.models import Follow
from fansub.custom_requests.models import CustomRequest, RequestStatus
from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, MediaKind, MediaState, MediaUse, Rendition, UseKind
from fansub.messaging.models import Message
from fansub.messaging.services.messages import start_conversation
from fansub.verification.models import GuestRelease, IdentityVerification, ProducerRecord
from fansub.verification.services import creator_verification as cv
from fansub.verification.services import identity_images, performers
from governance.models import AuditLog
from governance.services import holds, retention
from tests.factories import make_creator, make_fan, make_post
from tests.governance.privacy_helpers import privacy_staff
from tests.verification.support import image_bytes, staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}
    settings.STORAGES = {**settings.STORAGES, "default": backend, "private": backend}


def _exists(key: str) -> bool:
    return storage.private_storage().exists(key)


# --- identity documents -------------------------------------------------------------------------------------

def _submitted(creator) -> IdentityVerification:
    return cv.submit_identity(creator, cv.IdentitySubmission(
        legal_name="Quintessa Example", date_of_birth=date(1990, 4, 1), id_document_type="passport",
        id_document_country="US", id_document_expires_on=date.today() + timedelta(days=900),
        id_image=image_bytes("JPEG"), selfie=image_bytes("PNG")))


def _decided(verification, approve: bool, days_ago: int) -> ProducerRecord:
    reviewer = staff_in("Custodian of Records")
    (cv.approve if approve else cv.reject)(verification.pk, reviewer, "checked")
    IdentityVerification.objects.filter(pk=verification.pk).update(
        decided_at=timezone.now() - timedelta(days=days_ago))
    return ProducerRecord.objects.get(verification=verification)


def test_refused_identity_documents_go_after_their_period_and_approved_ones_stay(
        settings, django_capture_on_commit_callbacks):
    period = settings.IDENTITY_DOCUMENT_RETENTION_DAYS
    old_refusal = _decided(_submitted(make_creator()), approve=False, days_ago=period + 1)
    new_refusal = _decided(_submitted(make_creator()), approve=False, days_ago=period - 1)
    approved = _decided(_submitted(make_creator()), approve=True, days_ago=period * 10)  # 2257 obligation
    held_refusal = _decided(_submitted(make_creator()), approve=False, days_ago=period + 1)
    holds.place(privacy_staff(), name="Case 4", reason="Fraud inquiry", subject=held_refusal.user)
    old_files = [old_refusal.id_document_path, old_refusal.selfie_path]
    assert all(identity_images.read_decrypted(p) for p in old_files)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.run_retention()

    assert not ProducerRecord.objects.filter(pk=old_refusal.pk).exists()
    assert not any(_exists(p) for p in old_files)  # the encrypted ID copy and selfie are gone from storage
    assert IdentityVerification.objects.get(pk=old_refusal.verification_id).status == "rejected"  # state kept
    for kept in (new_refusal, approved, held_refusal):
        kept.refresh_from_db()
        assert _exists(kept.id_document_path) and _exists(kept.selfie_path)
    assert run.counts["verification.ProducerRecord.refused_documents"] == 1
    assert run.skipped_for_holds["verification.ProducerRecord.refused_documents"] == 1
    assert AuditLog.objects.filter(action="producer_record.refused_documents_deleted").count() == 1
    assert retention.run_retention().counts["verification.ProducerRecord.refused_documents"] == 0  # replay


def _guest_release(decision: bool | None, days_ago: int) -> GuestRelease:
    creator = make_creator(verified=True)
    post = make_post(creator, public=True)
    release = performers.submit_guest_release(
        creator, post.pk, legal_name="Gina Guest", date_of_birth=date(1990, 2, 3), aliases=["GG"],
        id_image=image_bytes("PNG"), release_form=image_bytes("PNG"))
    if decision is not None:
        performers.decide_release(staff_in("Custodian of Records"), release.pk, approve=decision, reason="checked")
        GuestRelease.objects.filter(pk=release.pk).update(decided_at=timezone.now() - timedelta(days=days_ago))
    return GuestRelease.objects.get(pk=release.pk)


def test_refused_guest_release_documents_go_after_their_period_and_the_rest_stay(
        settings, django_capture_on_commit_callbacks):
    period = settings.IDENTITY_DOCUMENT_RETENTION_DAYS
    refused = _guest_release(False, period + 1)
    recent = _guest_release(False, period - 1)
    approved = _guest_release(True, period * 10)  # a producer record for a published post
    pending = _guest_release(None, 0)
    refused_files = [refused.id_document_path, refused.release_form_path]

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.run_retention()

    refused.refresh_from_db()
    assert not any(_exists(p) for p in refused_files)
    assert (refused.legal_name, refused.date_of_birth, refused.aliases) == ("", "", [])
    assert refused.status == "rejected" and refused.appearances.exists()  # the emptied row stays linked
    for kept in (recent, approved, pending):
        kept.refresh_from_db()
        assert kept.legal_name == "Gina Guest"
        assert _exists(kept.id_document_path) and _exists(kept.release_form_path)
    assert run.counts["verification.GuestRelease.refused_documents"] == 1
    assert retention.run_retention().counts["verification.GuestRelease.refused_documents"] == 0  # replay


# --- delivered media ----------------------------------------------------------------------------------------

def _item(creator, name: str) -> MediaItem:
    item = MediaItem.objects.create(creator=creator, kind=MediaKind.IMAGE, state=MediaState.READY,
                                    source_format="jpeg", size_bytes=3, sha256=name.ljust(64, "0"))
    key = storage.save_bytes(f"{storage.item_prefix(creator.pk, item.public_id)}/final.jpg", b"fin")
    Rendition.objects.create(media_item=item, kind="final", storage_key=key, content_type="image/jpeg",
                             size_bytes=3)
    return item


def _delivered_copy(viewer, item) -> Delivery:
    key = storage.save_bytes(f"watermarked/{viewer.pk}/{item.public_id}.jpg", b"marked")
    return Delivery.objects.create(viewer=viewer, media_item=item, rendition=item.renditions.get(),
                                   cached_key=key, cached_size=6)


def _request(fan, creator, item, *, status=RequestStatus.COMPLETED, days_ago=0) -> CustomRequest:
    req = CustomRequest.objects.create(
        fan=fan, creator=creator, kind="photo_set", description="a harbour at dawn", price_minor=2000, currency="USD",
        status=status, respond_by=timezone.now(), delivery_note="here it is",
        delivered_at=timezone.now() - timedelta(days=days_ago))
    MediaUse.objects.create(media_item=item, kind=UseKind.REQUEST, object_id=str(req.pk))
    return req


def test_request_delivery_media_go_after_their_period_and_nothing_else(settings,
                                                                        django_capture_on_commit_callbacks):
    period = settings.REQUEST_DELIVERY_RETENTION_DAYS
    creator, fan = make_creator(verified=True), make_fan()
    expired_item, fresh_item, open_item, held_item = (_item(creator, n) for n in ("a", "b", "c", "d"))
    expired = _request(fan, creator, expired_item, days_ago=period + 1)
    fresh = _request(fan, creator, fresh_item, days_ago=period - 1)
    still_open = _request(fan, creator, open_item, status=RequestStatus.DISPUTED, days_ago=period + 1)
    held = _request(fan, creator, held_item, days_ago=period + 1)
    holds.place(privacy_staff(), name="Case 7", reason="Chargeback evidence",
                model_labels=["custom_requests.CustomRequest"], object_ids=[held.pk])
    copies = {item.pk: _delivered_copy(fan, item) for item in (expired_item, fresh_item, open_item, held_item)}
    creator_files = list(Rendition.objects.values_list("storage_key", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.run_retention()

    gone = copies[expired_item.pk]
    assert not MediaUse.objects.filter(kind=UseKind.REQUEST, object_id=str(expired.pk)).exists()
    assert not _exists(gone.cached_key)  # the fan's watermarked copy is deleted from storage
    gone.refresh_from_db()
    assert gone.cached_key == ""  # the row (forensic delivery id) stays
    for req, item in ((fresh, fresh_item), (still_open, open_item), (held, held_item)):
        assert MediaUse.objects.filter(kind=UseKind.REQUEST, object_id=str(req.pk), media_item=item).exists()
        assert _exists(copies[item.pk].cached_key)
    assert all(_exists(key) for key in creator_files)  # the creator's vault originals stay
    assert run.counts["custom_requests.CustomRequest.delivery_media"] == 1
    assert run.skipped_for_holds["custom_requests.CustomRequest.delivery_media"] == 1
    assert AuditLog.objects.get(action="retention.run", object_id=str(run.pk)).details["counts"][
        "custom_requests.CustomRequest.delivery_media"] == 1
    assert retention.run_retention().counts["custom_requests.CustomRequest.delivery_media"] == 0  # replay


def test_message_media_go_with_the_message_text(settings, django_capture_on_commit_callbacks):
    creator, fan = make_creator(verified=True), make_fan()
    Follow.objects.create(fan=fan, creator=creator)
    first = start_conversation(fan, creator, "hello")
    old_item, new_item = _item(creator, "m1"), _item(creator, "m2")
    old = Message.objects.create(thread_id=first.thread_id, sender=creator, text="a picture for you")
    new = Message.objects.create(thread_id=first.thread_id, sender=creator, text="another one")
    Message.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.MESSAGE_RETENTION_DAYS + 1))
    for message, item in ((old, old_item), (new, new_item)):
        MediaUse.objects.create(media_item=item, kind=UseKind.MESSAGE, object_id=str(message.pk))
    old_copy, new_copy = _delivered_copy(fan, old_item), _delivered_copy(fan, new_item)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.run_retention()

    assert Message.objects.get(pk=old.pk).text == ""
    assert not MediaUse.objects.filter(kind=UseKind.MESSAGE, object_id=str(old.pk)).exists()
    assert not _exists(old_copy.cached_key)
    assert MediaUse.objects.filter(kind=UseKind.MESSAGE, object_id=str(new.pk)).exists()
    assert _exists(new_copy.cached_key) and Message.objects.get(pk=new.pk).text == "another one"
    assert run.counts["messaging.Message.media"] == 1


def test_a_copy_still_owed_by_something_else_is_kept(settings, django_capture_on_commit_callbacks):
    """The same vault item delivered by an expired request and again by a recent one: the expired request's
    link goes, the fan's copy stays (the recent delivery still entitles them)."""
    creator, fan = make_creator(verified=True), make_fan()
    item = _item(creator, "shared")
    expired = _request(fan, creator, item, days_ago=settings.REQUEST_DELIVERY_RETENTION_DAYS + 1)
    recent = _request(fan, creator, item, days_ago=1)
    copy = _delivered_copy(fan, item)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.run_retention()

    assert not MediaUse.objects.filter(kind=UseKind.REQUEST, object_id=str(expired.pk)).exists()
    assert MediaUse.objects.filter(kind=UseKind.REQUEST, object_id=str(recent.pk)).exists()
    assert _exists(copy.cached_key)
    assert run.counts["custom_requests.CustomRequest.delivery_media"] == 1
