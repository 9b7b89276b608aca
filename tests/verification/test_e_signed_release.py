"""Issue 10, gate 4: a co-performer tag waits for the tagged creator's acceptance, given as an in-app e-signed
release (consent to electronic records, the release text's SHA-256, signer, time, IP), kept with the producer
records and shown to the Custodian of Records; declines keep the post unpublished."""

import hashlib

import pytest

from common.errors import InvalidTransition, NotFoundError, ValidationFailed
from fansub.posts.models import Post
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.verification.models import ElectronicRelease
from fansub.verification.services import performers
from governance.models import AuditLog
from telemetry.models import OutboxEvent
from tests.factories import make_creator
from tests.verification.support import admin_login, staff_in

pytestmark = pytest.mark.django_db
CUSTODIAN = "Custodian of Records"


@pytest.fixture
def pair():
    creator = make_creator(adult=True, verified=True, handle="main_star")
    co_star = make_creator(adult=True, verified=True, handle="co_star")
    return creator, co_star


def _draft(creator):
    return posts.create_post(creator, PostInput(text="a scene together", audience=AudienceSpec(public=True),
                                                draft=True))


def _sign(release, *, signer=None, consent=True, name="Co Star", digest=None, ip="203.0.113.7"):
    return performers.sign_release(signer or release.signer, release.pk, consent=consent, signature_name=name,
                                   text_sha256=digest or performers.release_text_sha256(release), ip_address=ip)


def test_co_performer_tag_waits_for_the_tagged_creators_e_signed_release(api_client, client, pair):
    creator, co_star = pair
    post = _draft(creator)
    api_client.force_authenticate(creator)
    assert api_client.post(f"/api/v1/posts/{post.pk}/performers/", {"handle": "co_star"},
                           format="json").status_code == 201
    r = api_client.post(f"/api/v1/posts/{post.pk}/publish/")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PERFORMER_RECORD_MISSING"
    assert "@co_star (release pending)" in r.json()["error"]["details"]["missing"]
    release = ElectronicRelease.objects.get(post_id=post.pk)
    assert release.signer == co_star and release.requested_by == creator and release.status == "pending"

    # The tagged creator reviews and signs on the web page.
    client.force_login(co_star)
    listing = client.get("/account/releases/").content.decode()
    assert f"/account/releases/{release.pk}/" in listing
    page = client.get(f"/account/releases/{release.pk}/").content.decode()
    text = performers.release_text(release)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert "Performer release and consent" in page and digest in page and "@main_star" in page
    refused = client.post(f"/account/releases/{release.pk}/",
                          {"action": "sign", "signature_name": "Co Star", "text_sha256": digest})  # no consent
    assert refused.status_code == 200
    release.refresh_from_db()
    assert release.status == "pending"
    signed = client.post(f"/account/releases/{release.pk}/", {"action": "sign", "consent": "on",
                                                              "signature_name": "Co Star", "text_sha256": digest},
                         follow=True)
    assert "Signed" in signed.content.decode()
    release.refresh_from_db()
    assert release.status == "signed" and release.consented_to_electronic_records
    assert release.text_sha256 == digest and release.signature_name == "Co Star"
    assert release.signed_ip == "127.0.0.1" and release.decided_at is not None and release.retain_until
    assert AuditLog.objects.filter(action="e_release.signed", actor=co_star, object_id=str(release.pk)).exists()
    event = OutboxEvent.objects.filter(event_type="performer.e_release_decided").get()
    assert "127.0.0.1" not in str(event.envelope) and "Co Star" not in str(event.envelope)

    r = api_client.post(f"/api/v1/posts/{post.pk}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"


def test_tagging_a_published_post_sends_it_back_to_pending_until_signed(pair):
    creator, _ = pair
    post = posts.create_post(creator, PostInput(text="live", audience=AudienceSpec(public=True)))
    assert post.status == "published"
    performers.tag_creator(creator, post.pk, "co_star")
    assert Post.objects.get(pk=post.pk).status == "pending"
    _sign(ElectronicRelease.objects.get(post_id=post.pk))
    assert Post.objects.get(pk=post.pk).status == "published"


def test_declined_release_keeps_the_post_unpublished(client, pair):
    creator, co_star = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    client.force_login(co_star)
    response = client.post(f"/account/releases/{release.pk}/", {"action": "decline"}, follow=True)
    assert "You declined" in response.content.decode()
    release.refresh_from_db()
    assert release.status == "declined" and release.decided_at is not None
    with pytest.raises(Exception) as refused:
        posts.publish_post(creator, post.pk)
    assert refused.value.code == "PERFORMER_RECORD_MISSING"
    assert Post.objects.get(pk=post.pk).status == "draft"
    with pytest.raises(InvalidTransition):  # a decline is final: no signing afterwards
        _sign(release)
    assert AuditLog.objects.filter(action="e_release.declined", actor=co_star).exists()


def test_declining_a_tag_on_a_published_post_keeps_it_off_the_shelves(pair):
    creator, co_star = pair
    post = posts.create_post(creator, PostInput(text="live", audience=AudienceSpec(public=True)))
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    performers.decline_release(co_star, release.pk, ip_address=None)
    assert Post.objects.get(pk=post.pk).status == "pending"


def test_only_the_tagged_creator_can_sign_or_see_the_release(client, pair):
    creator, _ = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    with pytest.raises(NotFoundError):
        _sign(release, signer=creator)  # the creator who tagged cannot consent for the co-performer
    with pytest.raises(NotFoundError):
        performers.decline_release(make_creator(), release.pk, ip_address=None)
    client.force_login(creator)
    assert client.get(f"/account/releases/{release.pk}/").status_code == 404
    assert client.post(f"/account/releases/{release.pk}/", {"action": "decline"}).status_code == 404
    release.refresh_from_db()
    assert release.status == "pending"
    assert client.get("/account/releases/").status_code == 200


def test_signature_must_cover_the_exact_text_and_a_typed_name(pair):
    creator, _ = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    with pytest.raises(ValidationFailed) as stale:
        _sign(release, digest="0" * 64)
    assert "text_sha256" in stale.value.details
    with pytest.raises(ValidationFailed) as unnamed:
        _sign(release, name="  ")
    assert "signature_name" in unnamed.value.details
    with pytest.raises(ValidationFailed) as no_consent:
        _sign(release, consent=False)
    assert "consent" in no_consent.value.details
    release.refresh_from_db()
    assert release.status == "pending" and release.text_sha256 == ""


def test_signing_twice_is_refused(pair):
    creator, _ = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    _sign(release)
    with pytest.raises(InvalidTransition):
        _sign(release)
    assert OutboxEvent.objects.filter(event_type="performer.e_release_decided").count() == 1


def test_signer_whose_identity_lapsed_cannot_sign(pair):
    from fansub.verification.models import IdentityVerification

    creator, co_star = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    IdentityVerification.objects.filter(user=co_star).update(status="expired")
    with pytest.raises(Exception) as refused:
        _sign(ElectronicRelease.objects.get(post_id=post.pk))
    assert refused.value.code == "PERFORMER_RECORD_MISSING"


def test_custodian_sees_the_release_evidence_in_the_admin_and_others_do_not(client, pair):
    creator, _ = pair
    post = _draft(creator)
    performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    _sign(release)
    release.refresh_from_db()
    finance = staff_in("Finance")
    admin_login(client, finance)
    assert client.get("/admin/verification/electronicrelease/").status_code == 403
    client.logout()
    admin_login(client, staff_in(CUSTODIAN), token="cust1234")
    assert client.get("/admin/verification/electronicrelease/").status_code == 200
    detail = client.get(f"/admin/verification/electronicrelease/{release.pk}/change/").content.decode()
    assert release.text_sha256 in detail and "203.0.113.7" in detail and "Co Star" in detail
    assert AuditLog.objects.filter(action="e_release.viewed", object_id=str(release.pk)).exists()


def test_tagged_creator_is_emailed_a_link_to_the_release(pair, django_capture_on_commit_callbacks, mailoutbox):
    creator, co_star = pair
    post = _draft(creator)
    with django_capture_on_commit_callbacks(execute=True):
        performers.tag_creator(creator, post.pk, "co_star")
    release = ElectronicRelease.objects.get(post_id=post.pk)
    [mail] = mailoutbox
    assert mail.to == [co_star.email] and f"/account/releases/{release.pk}/" in mail.body
