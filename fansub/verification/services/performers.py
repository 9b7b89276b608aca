"""Co-performers of adult posts. An adult post is published only when every person depicted has an
approved record linked to it: the creator's own identity verification, a tagged verified creator, or a
guest's release reviewed by the Custodian of Records. Otherwise: PERFORMER_RECORD_MISSING.

The same holds wherever adult media is shown, not only at first publish: an edit that makes a published post
adult (``check_performers`` again), a guest added to a published post (the post waits as ``pending`` until the
release is approved), and adult media sent outside posts — messages, paid and mass messages, request
deliveries — where the depicted persons are the sender, covered only by the sender's own approved identity
(``require_sender_records``; messages carry no performer tags)."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
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
from fansub.verification.models.performers import RELEASE_TRANSITIONS, ReleaseStatus
from fansub.verification.services import identity_images
from fansub.verification.services.creator_verification import is_verified_creator
from governance.services import audit
from telemetry.events import emit


def _own_post(creator: User, post_id: int) -> Post:
    post = Post.objects.filter(pk=post_id, creator=creator).first()
    if post is None:
        raise NotFoundError("No such post.")
    return post


def tag_creator(creator: User, post_id: int, handle: str) -> PostPerformer:
    post = _own_post(creator, post_id)
    other = User.objects.filter(handle__iexact=handle, role=Role.CREATOR, is_active=True).first()
    if other is None or other.pk == creator.pk:
        raise ValidationFailed(details={"handle": ["Tag another creator's handle."]})
    if not is_verified_creator(other):
        raise PerformerRecordMissing("This creator has no approved identity verification.",
                                     details={"handle": other.handle})
    row, _ = PostPerformer.objects.get_or_create(post=post, performer=other)
    return row


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


def check_performers(post: Post) -> None:
    """A publish check (see posts.PUBLISH_CHECKS)."""
    if not post.is_adult:
        return
    missing: list[str] = []
    if not is_verified_creator(post.creator):
        missing.append(f"@{post.creator.handle}")
    for row in post.performers.select_related("performer", "release"):
        if row.performer_id and not is_verified_creator(row.performer):
            missing.append(f"@{row.performer.handle}")
        if row.release_id and row.release.status != ReleaseStatus.APPROVED:
            missing.append(f"guest release {row.release_id} ({row.release.status})")
    if missing:
        raise PerformerRecordMissing(details={"missing": missing})
