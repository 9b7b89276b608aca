"""Taking a published post off the shelves while a depicted person's record is missing, and back on.

Called by the performer records (``fansub.verification.services.performers``): a guest added to a published
adult post sends it back to ``pending`` (nobody sees it) until every record is approved; then it is shown
again with its original publication time.
"""

from django.db import transaction

from fansub.posts.models import POST_TRANSITIONS, Post, PostStatus
from telemetry.events import emit


def hold_for_records(post_id: int, reason: str) -> bool:
    """Published → pending. True when it changed."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id, status=PostStatus.PUBLISHED).first()
        if post is None:
            return False
        POST_TRANSITIONS.move(post, PostStatus.PENDING)
        post.save(update_fields=["status", "updated_at"])
        emit("post.held", {"post_id": post.pk, "reason": reason}, actor=post.creator)
    return True


def release_hold(post_id: int) -> bool:
    """Pending → published again (the caller checked the records). True when it changed."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id, status=PostStatus.PENDING).first()
        if post is None:
            return False
        POST_TRANSITIONS.move(post, PostStatus.PUBLISHED)
        post.save(update_fields=["status", "updated_at"])
        emit("post.released", {"post_id": post.pk}, actor=post.creator)
    return True
