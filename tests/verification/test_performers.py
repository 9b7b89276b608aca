"""An adult post is published only when every person depicted has an approved record linked to it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from common.errors import DomainError, PerformerRecordMissing
from fansub.posts.models import Post
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.verification.models import ElectronicRelease, GuestRelease
from fansub.verification.services import performers
from governance.models import AuditLog
from tests.factories import make_creator, make_staff, verified
from tests.verification.support import image_bytes, private_storage, staff_in  # noqa: F401

pytestmark = pytest.mark.django_db


def _draft(creator):
    return posts.create_post(creator, PostInput(text="with a guest", audience=AudienceSpec(public=True), draft=True))


def test_unverified_adult_creator_cannot_publish():
    creator = make_creator(adult=True)
    with pytest.raises(PerformerRecordMissing) as error:
        posts.create_post(creator, PostInput(text="x", audience=AudienceSpec(public=True)))
    assert error.value.code == "PERFORMER_RECORD_MISSING"
    assert not Post.objects.filter(status="published").exists()


def test_tagged_creators_must_be_verified(api_client):
    creator = make_creator(adult=True, verified=True)
    unverified, verified = make_creator(handle="guest_star"), make_creator(handle="co_star", verified=True)
    post = _draft(creator)
    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/posts/{post.pk}/performers/", {"handle": unverified.handle}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PERFORMER_RECORD_MISSING"
    assert api_client.post(f"/api/v1/posts/{post.pk}/performers/", {"handle": verified.handle},
                           format="json").status_code == 201
    # The tag waits for the co-performer's e-signed release (tests/verification/test_e_signed_release.py).
    assert api_client.post(f"/api/v1/posts/{post.pk}/publish/").status_code == 409
    release = ElectronicRelease.objects.get(post_id=post.pk)
    performers.sign_release(verified, release.pk, consent=True, signature_name="Co Star",
                            text_sha256=performers.release_text_sha256(release), ip_address=None)
    r = api_client.post(f"/api/v1/posts/{post.pk}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"


def test_guest_release_is_encrypted_reviewed_then_publishes(api_client, private_storage):  # noqa: F811
    creator = make_creator(adult=True, verified=True)
    post = _draft(creator)
    api_client.force_authenticate(creator)
    r = api_client.post(f"/api/v1/posts/{post.pk}/performers/", {
        "legal_name": "Gina Guest", "date_of_birth": "1990-02-03", "aliases": "Gigi",
        "id_image": SimpleUploadedFile("id.png", image_bytes(), content_type="image/png"),
        "release_form": SimpleUploadedFile("release.png", image_bytes(), content_type="image/png"),
    }, format="multipart")
    assert r.status_code == 201, r.json()
    release = GuestRelease.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM verification_guestrelease")
        assert "Gina" not in cursor.fetchone()[0]
    r = api_client.post(f"/api/v1/posts/{post.pk}/publish/")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PERFORMER_RECORD_MISSING"
    api_client.force_authenticate(verified(make_staff()))  # staff outside the Custodian group may not decide
    assert api_client.post(f"/api/v1/staff/guest-releases/{release.pk}/decision/",
                           {"decision": "approve", "reason": "ok"}, format="json").status_code == 403
    custodian = staff_in("Custodian of Records")
    api_client.force_authenticate(custodian)
    r = api_client.post(f"/api/v1/staff/guest-releases/{release.pk}/decision/", {"decision": "approve"},
                        format="json")
    assert r.status_code == 400  # a reason is required
    r = api_client.post(f"/api/v1/staff/guest-releases/{release.pk}/decision/",
                        {"decision": "approve", "reason": "ID and release match"}, format="json")
    assert r.json()["status"] == "approved"
    assert AuditLog.objects.filter(action="guest_release.approved", actor=custodian).exists()
    r = api_client.post(f"/api/v1/staff/guest-releases/{release.pk}/decision/",
                        {"decision": "reject", "reason": "changed my mind"}, format="json")
    assert r.status_code == 409
    api_client.force_authenticate(creator)
    assert api_client.post(f"/api/v1/posts/{post.pk}/publish/").json()["status"] == "published"


def test_underage_guest_is_refused_and_nothing_kept(private_storage):  # noqa: F811
    import datetime

    creator = make_creator(adult=True, verified=True)
    post = _draft(creator)
    seventeen = datetime.date.today().replace(year=datetime.date.today().year - 17)
    with pytest.raises(DomainError) as error:
        performers.submit_guest_release(creator, post.pk, legal_name="Kid", aliases=[], date_of_birth=seventeen,
                                        id_image=image_bytes(), release_form=image_bytes())
    assert getattr(error.value, "code", "") == "PERFORMER_UNDERAGE"
    assert not GuestRelease.objects.exists() and not list(private_storage.rglob("*"))
