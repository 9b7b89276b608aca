"""Co-performers of adult posts. An adult post is published only when every person depicted has an
approved record linked to it: the creator's own identity verification, a tagged verified creator, or a
guest's release reviewed by the Custodian of Records. Otherwise: PERFORMER_RECORD_MISSING.

The same holds wherever adult media is shown, not only at first publish: an edit that makes a published post
adult (``check_performers`` again), a guest added to a published post (the post waits as ``pending`` until the
release is approved), and adult media sent outside posts — messages, paid and mass messages, request
deliveries — where the depicted persons are the sender, covered only by the sender's own approved identity
(``require_sender_records``; messages carry no performer tags).

A co-performer tag needs the tagged creator's consent: tagging opens an in-app, e-signed release
(``ElectronicRelease``) that only the tagged creator can sign or decline on their release page. Until it is
signed the post cannot be published (a published post goes back to ``pending``); a declined release keeps it
unpublished. The signature's evidence (consent to electronic records, the SHA-256 of the exact release text,
the typed name, signer, time, IP) is kept with the producer records and shown to the Custodian of Records; with
the signer's approved identity verification it replaces uploaded scans for performers who have an account."""

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.errors import (
    NotFoundError,
    PerformerRecordMissing,
    PerformerUnderage,
    PermissionDeniedError,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.accounts.staff_groups import is_custodian
from fansub.posts.models import Post, PostStatus
from fansub.posts.services import holds
from fansub.verification.models import GuestRelease, PostPerformer
from fansub.verification.models.performers import (
    E_RELEASE_TRANSITIONS,
    RELEASE_TRANSITIONS,
    ElectronicRelease,
    ElectronicReleaseStatus,
    ReleaseStatus,
)
from fansub.verification.services import identity_images
from fansub.verification.services.creator_verification import is_verified_creator
from governance.services import audit
from telemetry.events import emit


def _own_post(creator: User, post_id: int) -> Post:
    post = Post.objects.filter(pk=post_id, creator=creator).first()
    if post is None:
        raise NotFoundError("No such post.")
    return post


RELEASE_TEXT_VERSION = "2026-12-01"
RELEASE_TEXT = """Performer release and consent (version {version})

I, @{signer}, appear as a performer in post {post_id} by @{creator} on Fan-Sub. By signing I confirm that:

1. I am 18 years of age or older, and I was 18 or older when this content was recorded. My identity is verified
   on Fan-Sub under this account, and that verification is part of the producer records for this post.
2. I consented to the recording of this content, and I consent to its publication, distribution and sale on
   Fan-Sub by @{creator}.
3. I agree to keep this release as an electronic record and to sign it electronically. My electronic signature
   has the same effect as a handwritten one. Fan-Sub records the name I type, the time, my IP address and a
   SHA-256 fingerprint of this exact text as evidence.
4. Fan-Sub's Custodian of Records keeps this release with the producer records for as long as the law requires.

If any of this is not true, or you do not agree, decline: the post will not be published with you tagged."""


def release_text(release: ElectronicRelease) -> str:
    """The exact release text the signer sees (and whose SHA-256 their signature covers)."""
    return RELEASE_TEXT.format(version=RELEASE_TEXT_VERSION, signer=release.signer.handle,
                               post_id=release.post_id, creator=release.requested_by.handle)


def release_text_sha256(release: ElectronicRelease) -> str:
    return hashlib.sha256(release_text(release).encode("utf-8")).hexdigest()


def _retain_until(today: datetime.date) -> datetime.date:
    years = settings.RECORDS_RETENTION_YEARS
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def tag_creator(creator: User, post_id: int, handle: str) -> PostPerformer:
    """Tag a verified creator as co-performer: the tag waits for their e-signed release (a published post goes
    back to pending until it is signed)."""
    post = _own_post(creator, post_id)
    other = User.objects.filter(handle__iexact=handle, role=Role.CREATOR, is_active=True).first()
    if other is None or other.pk == creator.pk:
        raise ValidationFailed(details={"handle": ["Tag another creator's handle."]})
    if not is_verified_creator(other):
        raise PerformerRecordMissing("This creator has no approved identity verification.",
                                     details={"handle": other.handle})
    with transaction.atomic():
        row, created = PostPerformer.objects.get_or_create(post=post, performer=other)
        if created:
            release = ElectronicRelease.objects.create(tag=row, post=post, signer=other, requested_by=creator)
            emit("performer.tag_requested", {"release_id": release.pk, "post_id": post.pk}, actor=creator)
            _ask_to_sign(release)
            if post.status == PostStatus.PUBLISHED:
                holds.hold_for_records(post.pk, "performer_tagged")
    return row


def _ask_to_sign(release: ElectronicRelease) -> None:
    """Email the tagged creator a link to their release page, once the tag is committed."""
    signer, requester = release.signer, release.requested_by
    path = reverse("release-detail", args=[release.pk])
    text = (f"Hi @{signer.handle},\n\n@{requester.handle} tagged you as a performer in a post. It will not be "
            f"published with you tagged until you review and sign the release (or decline it):\n\n{path}\n")

    def deliver() -> None:
        send_mail("You were tagged as a performer: please review the release", text,
                  settings.DEFAULT_FROM_EMAIL, [signer.email])

    transaction.on_commit(deliver)


def _own_release(signer: User, release_id: int) -> ElectronicRelease:
    release = (ElectronicRelease.objects.select_for_update().select_related("signer", "requested_by")
               .filter(pk=release_id, signer=signer).first())
    if release is None:
        raise NotFoundError("No such release.")
    return release


def sign_release(signer: User, release_id: int, *, consent: bool, signature_name: str, text_sha256: str,
                 ip_address: str | None) -> ElectronicRelease:
    """The tagged creator signs their release: consent to electronic records, the hash of the text they read,
    their typed name. A held post is shown again once every record of it is in place."""
    with transaction.atomic():
        release = _own_release(signer, release_id)
        E_RELEASE_TRANSITIONS.check(release.status, ElectronicReleaseStatus.SIGNED, "This release was already decided.")
        errors: dict[str, list[str]] = {}
        if not consent:
            errors["consent"] = ["Agree to sign and keep this release electronically."]
        name = (signature_name or "").strip()
        if not name or len(name) > 200:
            errors["signature_name"] = ["Type your name as your signature."]
        digest = release_text_sha256(release)
        if (text_sha256 or "").strip().lower() != digest:
            errors["text_sha256"] = ["The release text changed since you opened it; read it again."]
        if errors:
            raise ValidationFailed(details=errors)
        if not is_verified_creator(signer):
            raise PerformerRecordMissing("Your identity verification is not approved (or has expired).",
                                         details={"missing": [f"@{signer.handle}"]})
        now = timezone.now()
        E_RELEASE_TRANSITIONS.move(release, ElectronicReleaseStatus.SIGNED)
        release.text_version, release.text_sha256 = RELEASE_TEXT_VERSION, digest
        release.consented_to_electronic_records, release.signature_name = True, name
        release.signed_ip, release.decided_at = ip_address or None, now
        release.retain_until = _retain_until(now.date())
        release.save()
        audit.record(actor=signer, action="e_release.signed", obj=release, details={"text_sha256": digest})
        emit("performer.e_release_decided", {"release_id": release.pk, "decision": "signed"}, actor=signer)
        post = Post.objects.select_related("creator").filter(pk=release.post_id, status=PostStatus.PENDING).first()
        if post is not None:
            try:
                check_performers(post)
            except PerformerRecordMissing:
                pass  # another record is still missing
            else:
                holds.release_hold(post.pk)
    return release


def decline_release(signer: User, release_id: int, *, ip_address: str | None) -> ElectronicRelease:
    """The tagged creator declines: the post stays unpublished while the tag stands."""
    with transaction.atomic():
        release = _own_release(signer, release_id)
        E_RELEASE_TRANSITIONS.move(release, ElectronicReleaseStatus.DECLINED,
                                   message="This release was already decided.")
        now = timezone.now()
        release.signed_ip, release.decided_at = ip_address or None, now
        release.retain_until = _retain_until(now.date())
        release.save()
        audit.record(actor=signer, action="e_release.declined", obj=release)
        emit("performer.e_release_decided", {"release_id": release.pk, "decision": "declined"}, actor=signer)
        if release.post_id:
            holds.hold_for_records(release.post_id, "performer_tagged")  # already held, in practice
    return release


def submit_guest_release(creator: User, post_id: int, *, legal_name: str, date_of_birth: datetime.date,
                         aliases: list[str], id_image: Any, release_form: Any) -> GuestRelease:
    post = _own_post(creator, post_id)
    legal_name = (legal_name or "").strip()
    today = timezone.localdate()
    age = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    if not legal_name:
        raise ValidationFailed(details={"legal_name": ["Required."]})
    if age < 18:
        raise PerformerUnderage("Every performer must be 18 or older.")
    id_bytes = identity_images.read_upload(id_image, "id_image")
    form_bytes = identity_images.read_upload(release_form, "release_form")
    identity_images.validate_image(id_bytes, "id_image")
    identity_images.validate_image(form_bytes, "release_form")
    written = [identity_images.store_encrypted(id_bytes)]
    try:
        written.append(identity_images.store_encrypted(form_bytes))
        with transaction.atomic():
            release = GuestRelease.objects.create(
                submitted_by=creator, legal_name=legal_name, date_of_birth=date_of_birth.isoformat(),
                aliases=[a.strip() for a in aliases if a.strip()], id_document_path=written[0],
                release_form_path=written[1],
                retain_until=today.replace(year=today.year + settings.RECORDS_RETENTION_YEARS))
            PostPerformer.objects.create(post=post, release=release)
            emit("performer.release_submitted", {"release_id": release.pk, "post_id": post.pk}, actor=creator)
            if post.is_adult and post.status == PostStatus.PUBLISHED:
                # A guest added after publishing: nobody sees the post until the release is approved.
                holds.hold_for_records(post.pk, "guest_added")
    except Exception:
        for path in written:  # nothing half-written: no orphaned encrypted files
            identity_images.delete(path)
        raise
    return release


def decide_release(staff: User, release_id: int, *, approve: bool, reason: str) -> GuestRelease:
    if not is_custodian(staff):
        raise PermissionDeniedError("Only the Custodian of Records reviews releases.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": ["A reason is required."]})
    with transaction.atomic():
        release = GuestRelease.objects.select_for_update().filter(pk=release_id).first()
        if release is None:
            raise NotFoundError("No such release.")
        target = ReleaseStatus.APPROVED if approve else ReleaseStatus.REJECTED
        RELEASE_TRANSITIONS.move(release, target)
        release.decided_by, release.decided_at = staff, timezone.now()
        release.decision_reason = reason
        release.save()
        audit.record(actor=staff, action=f"guest_release.{target}", obj=release, reason=reason)
        emit("performer.release_decided", {"release_id": release.pk, "decision": str(target)}, actor=staff)
        if target == ReleaseStatus.APPROVED:
            _release_complete_posts(release)
    return release


def _release_complete_posts(release: GuestRelease) -> None:
    """Pending posts this release was holding are shown again once every record of theirs is approved."""
    for post in Post.objects.select_related("creator").filter(performers__release=release,
                                                              status=PostStatus.PENDING):
        try:
            check_performers(post)
        except PerformerRecordMissing:
            continue  # another record is still missing
        holds.release_hold(post.pk)


def require_sender_records(sender: Any, items: list[Any]) -> None:
    """Adult media sent outside a post: refused unless the sender's own identity verification covers it."""
    if any(getattr(item, "is_adult", False) for item in items) and not is_verified_creator(sender):
        raise PerformerRecordMissing("Adult media can only be sent once your identity is verified.",
                                     details={"missing": [f"@{sender.handle}"]})


def _consent_missing(row: PostPerformer) -> str | None:
    try:
        release = row.electronic_release
    except ObjectDoesNotExist:
        return f"@{row.performer.handle} (no signed release)"
    if release.status != ElectronicReleaseStatus.SIGNED:
        return f"@{row.performer.handle} (release {release.status})"
    return None


def check_performers(post: Post) -> None:
    """A publish check (see posts.PUBLISH_CHECKS). Every tagged co-performer has signed their release (any
    post); on an adult post every depicted person has an approved record."""
    missing: list[str] = [reason for row in post.performers.filter(performer__isnull=False)
                          .select_related("performer", "electronic_release")
                          if (reason := _consent_missing(row))]
    if not post.is_adult:
        if missing:
            raise PerformerRecordMissing(details={"missing": missing})
        return
    if not is_verified_creator(post.creator):
        missing.append(f"@{post.creator.handle}")
    for row in post.performers.select_related("performer", "release"):
        if row.performer_id and not is_verified_creator(row.performer):
            missing.append(f"@{row.performer.handle}")
        if row.release_id and row.release.status != ReleaseStatus.APPROVED:
            missing.append(f"guest release {row.release_id} ({row.release.status})")
    if missing:
        raise PerformerRecordMissing(details={"missing": missing})


def delete_refused_release_documents(releases: Any) -> int:
    """Retention: a *rejected* guest release's ID copy, release form, legal name, birth date and aliases are
    deleted once its period has run (the release never cleared a post, so no records duty binds it). The row
    stays, emptied: the post's performer tag still points at it."""
    deleted = 0
    due = releases.filter(status=ReleaseStatus.REJECTED).exclude(id_document_path="", release_form_path="")
    for release_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            release = (GuestRelease.objects.select_for_update()
                       .filter(pk=release_id, status=ReleaseStatus.REJECTED).first())
            if release is None:
                continue
            paths = [release.id_document_path, release.release_form_path]
            release.legal_name, release.date_of_birth, release.aliases = "", "", []
            release.id_document_path = release.release_form_path = ""
            release.save(update_fields=["legal_name", "date_of_birth", "aliases", "id_document_path",
                                        "release_form_path"])
            audit.record(actor=None, action="guest_release.refused_documents_deleted", obj=release,
                         reason=f"Rejected {settings.IDENTITY_DOCUMENT_RETENTION_DAYS} days ago or more")
            transaction.on_commit(lambda paths=paths: [identity_images.delete(p) for p in paths if p])
        deleted += 1
    return deleted
