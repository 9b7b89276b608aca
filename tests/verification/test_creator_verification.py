from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from common.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from fansub.verification.models import VERIFICATION_TRANSITIONS, IdentityVerification, ProducerRecord
from fansub.verification.services import creator_verification as cv
from governance.models import AuditLog
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan
from tests.verification.support import image_bytes, private_storage, staff_in  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

CUSTODIAN = "Custodian of Records"
LEGAL_NAME = "Marguerite Quintessa Example"


def submission(**overrides) -> cv.IdentitySubmission:
    data = dict(legal_name=LEGAL_NAME, date_of_birth=date(1990, 4, 1), aliases=["Luna Q", "Moonbeam"],
                id_document_type="passport", id_document_country="us",
                id_document_expires_on=date.today() + timedelta(days=900),
                id_image=image_bytes("JPEG"), selfie=image_bytes("PNG"))
    data.update(overrides)
    return cv.IdentitySubmission(**data)


def multipart(**overrides):
    data = {"legal_name": LEGAL_NAME, "date_of_birth": "1990-04-01", "aliases": "Luna Q\nMoonbeam",
            "id_document_type": "passport", "id_document_country": "US",
            "id_document_expires_on": (date.today() + timedelta(days=900)).isoformat(),
            "id_image": SimpleUploadedFile("passport.jpg", image_bytes("JPEG"), content_type="image/jpeg"),
            "selfie": SimpleUploadedFile("me.png", image_bytes("PNG"), content_type="image/png")}
    data.update(overrides)
    return data


def test_state_machine_table():
    assert VERIFICATION_TRANSITIONS.targets("pending") == {"approved", "rejected", "expired"}
    assert VERIFICATION_TRANSITIONS.targets("approved") == {"expired"}
    for final in ("rejected", "expired"):
        assert VERIFICATION_TRANSITIONS.targets(final) == frozenset()
    with pytest.raises(InvalidTransition):
        VERIFICATION_TRANSITIONS.check("rejected", "approved")


def test_creator_submits_through_the_api(api_client):
    creator = make_creator()
    api_client.force_authenticate(creator)
    response = api_client.post("/api/v1/verifications/identity/", multipart(), format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending" and "legal_name" not in response.json()
    record = ProducerRecord.objects.get(user=creator)
    assert record.legal_name == LEGAL_NAME and record.aliases == ["Luna Q", "Moonbeam"]
    assert record.date_of_birth == "1990-04-01" and record.id_document_country == "US"
    assert api_client.get("/api/v1/verifications/identity/").json()["status"] == "pending"
    status = api_client.get("/api/v1/verifications/").json()
    assert status["identity_verified"] is False and status["identity_verification"]["status"] == "pending"
    assert OutboxEvent.objects.filter(event_type="creator_verification.submitted").count() == 1
    again = api_client.post("/api/v1/verifications/identity/", multipart(), format="multipart")
    assert again.status_code == 409 and again.json()["error"]["code"] == "VERIFICATION_ALREADY_OPEN"


@pytest.mark.parametrize("field", ["id_image", "selfie"])
def test_non_images_are_refused_by_content(api_client, field, private_storage):  # noqa: F811
    api_client.force_authenticate(make_creator())
    fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg" * 10, content_type="image/jpeg")
    response = api_client.post("/api/v1/verifications/identity/", multipart(**{field: fake}), format="multipart")
    assert response.status_code == 400 and field in response.json()["error"]["details"]
    assert IdentityVerification.objects.count() == 0 and ProducerRecord.objects.count() == 0
    assert not any(Path(private_storage).rglob("*.fernet"))


def test_gif_and_tiny_images_are_refused():
    creator = make_creator()
    with pytest.raises(ValidationFailed):
        cv.submit_identity(creator, submission(selfie=image_bytes("GIF")))
    with pytest.raises(ValidationFailed):
        cv.submit_identity(creator, submission(id_image=image_bytes("PNG", size=(20, 20))))


def test_minor_creator_is_refused_and_nothing_kept(private_storage):  # noqa: F811
    creator = make_creator()
    born = date.today().replace(year=date.today().year - 17)
    with pytest.raises(cv.CreatorUnderage):
        cv.submit_identity(creator, submission(date_of_birth=born))
    assert IdentityVerification.objects.count() == 0 and ProducerRecord.objects.count() == 0
    assert not any(Path(private_storage).rglob("*.fernet"))


def test_fans_cannot_submit_identity():
    with pytest.raises(PermissionDeniedError):
        cv.submit_identity(make_fan(), submission())


def test_records_are_encrypted_at_rest(private_storage):  # noqa: F811
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    record = ProducerRecord.objects.get(verification=verification)
    table = ProducerRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT legal_name, date_of_birth, aliases FROM {table} WHERE id = %s", [record.pk])
        raw = " ".join(cursor.fetchone())
    assert LEGAL_NAME not in raw and "Marguerite" not in raw and "1990-04-01" not in raw and "Moonbeam" not in raw
    assert raw.startswith("gAAAA")  # Fernet tokens
    files = list(Path(private_storage).rglob("*.fernet"))
    assert len(files) == 2
    jpeg = image_bytes("JPEG")
    for path in files:
        content = path.read_bytes()
        assert not content.startswith(b"\xff\xd8") and not content.startswith(b"\x89PNG") and jpeg not in content
        assert "passport" not in path.name and "me.png" not in path.name


def test_key_rotation_keeps_old_records_readable(settings):
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    assert ProducerRecord.objects.get(verification=verification).legal_name == LEGAL_NAME
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    from common.crypto import DecryptionFailed

    with pytest.raises(DecryptionFailed):
        ProducerRecord.objects.get(verification=verification)


def test_approve_reject_and_refusals():
    custodian = staff_in(CUSTODIAN)
    finance = staff_in("Finance")
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    assert not cv.is_verified_creator(creator)
    with pytest.raises(cv.CreatorNotVerified) as excinfo:
        cv.require_verified_creator(creator)
    assert excinfo.value.code == "CREATOR_NOT_VERIFIED"
    with pytest.raises(PermissionDeniedError):
        cv.approve(verification.pk, finance, "looks fine")
    with pytest.raises(ValidationFailed):
        cv.approve(verification.pk, custodian, "   ")
    cv.approve(verification.pk, custodian, "ID and selfie match")
    assert cv.is_verified_creator(creator)
    cv.require_verified_creator(creator)
    row = AuditLog.objects.get(action="identity_verification.approved")
    assert row.actor == custodian and row.reason == "ID and selfie match" and row.object_id == str(verification.pk)
    with pytest.raises(InvalidTransition):
        cv.approve(verification.pk, custodian, "again")
    with pytest.raises(InvalidTransition):
        cv.reject(verification.pk, custodian, "changed my mind")
    cv.expire(verification.pk, custodian, "Document reported stolen")
    assert not cv.is_verified_creator(creator)
    # A new submission is allowed after expiry; rejection is final for that row.
    second = cv.submit_identity(creator, submission())
    cv.reject(second.pk, custodian, "Selfie does not match")
    with pytest.raises(InvalidTransition):
        cv.approve(second.pk, custodian, "oops")
    events = set(OutboxEvent.objects.filter(event_type__startswith="creator_verification.")
                 .values_list("event_type", flat=True))
    assert events == {"creator_verification.submitted", "creator_verification.approved",
                      "creator_verification.expired", "creator_verification.rejected"}


def test_approvals_lapse_when_the_id_document_expires():
    custodian = staff_in(CUSTODIAN)
    creator = make_creator()
    verification = cv.submit_identity(creator, submission(id_document_expires_on=date.today() + timedelta(days=3)))
    cv.approve(verification.pk, custodian, "ok")
    assert cv.expire_due(today=date.today() + timedelta(days=2)) == 0
    assert cv.expire_due(today=date.today() + timedelta(days=4)) == 1
    verification.refresh_from_db()
    assert verification.status == "expired" and not cv.is_verified_creator(creator)
    assert AuditLog.objects.filter(action="identity_verification.expired", actor__isnull=True).count() == 1


def test_custodian_reads_records_and_every_view_is_audited():
    custodian = staff_in(CUSTODIAN)
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    record = cv.view_record(verification.record.pk, custodian)
    assert record.legal_name == LEGAL_NAME
    data, content_type = cv.read_record_image(record.pk, custodian, "selfie")
    assert data == image_bytes("PNG") and content_type == "image/png"
    views = AuditLog.objects.filter(action="producer_record.viewed", actor=custodian)
    assert sorted(v.details["what"] for v in views) == ["record", "selfie"]
    for outsider in (staff_in("Finance"), staff_in("Trust & Safety"), staff_in("Privacy"),
                     staff_in(None, superuser=True)):
        with pytest.raises(PermissionDeniedError):
            cv.view_record(record.pk, outsider)
    assert views.count() == 2


def test_records_survive_account_closure_until_retention_ends(settings):
    from django.utils import timezone

    custodian = staff_in(CUSTODIAN)
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    cv.approve(verification.pk, custodian, "ok")
    record = ProducerRecord.objects.get(verification=verification)
    assert record.retain_until.year == date.today().year + settings.RECORDS_RETENTION_YEARS
    from governance import registry

    entry = registry.entry_for(ProducerRecord)
    assert entry.erasure == "retain" and "2257" in entry.retention_reason
    assert entry.erase(creator) == 0 and ProducerRecord.objects.filter(pk=record.pk).exists()
    assert entry.export(creator)[0]["legal_name"] == LEGAL_NAME
    after = record.retain_until + timedelta(days=1)
    assert cv.purge_expired_records(today=after) == 0  # account still active: content may be live
    creator.erased_at = timezone.now()
    creator.is_active = False
    creator.save()
    assert cv.purge_expired_records(today=record.retain_until) == 0  # not yet past the date
    assert cv.purge_expired_records(today=after) == 1
    assert not ProducerRecord.objects.filter(pk=record.pk).exists()
    assert AuditLog.objects.filter(action="producer_record.purged").count() == 1


def test_identity_page_shows_form_then_status(client):
    creator = make_creator()
    client.force_login(creator)
    page = client.get("/verify/identity/").content.decode()
    assert "Every alias and stage name" in page and 'enctype="multipart/form-data"' in page
    response = client.post("/verify/identity/", multipart())
    assert response.status_code == 302
    page = client.get("/verify/identity/").content.decode()
    assert "Pending review" in page and LEGAL_NAME not in page
    settings_page = client.get("/account/profile/").content.decode()
    assert "Identity verification" in settings_page and "Pending review" in settings_page


def test_rotation_command_reencrypts_records_and_files_under_the_new_key(settings, private_storage,  # noqa: F811
                                                                         django_capture_on_commit_callbacks):
    from django.core.management import call_command

    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_field_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything must still read
    record = ProducerRecord.objects.get(verification=verification)
    assert record.legal_name == LEGAL_NAME and record.aliases == ["Luna Q", "Moonbeam"]
    custodian = staff_in(CUSTODIAN)
    assert cv.read_record_image(record.pk, custodian, "id_document")[0] == image_bytes("JPEG")
    assert len(list(Path(private_storage).rglob("*.fernet"))) == 2  # the old ciphertexts were removed


def test_provider_adapter_decision_is_applied_and_audited():
    creator = make_creator()
    verification = cv.submit_identity(creator, submission())
    IdentityVerification.objects.filter(pk=verification.pk).update(provider="acme_id", provider_reference="r-1")
    cv.record_provider_decision("acme_id", "r-1", approved=True, reason="document and liveness passed")
    assert cv.is_verified_creator(creator)
    row = AuditLog.objects.get(action="identity_verification.approved")
    assert row.actor is None and row.reason.startswith("acme_id:")
    with pytest.raises(InvalidTransition):
        cv.record_provider_decision("acme_id", "r-1", approved=False, reason="late")
