"""Trust & Safety's writes on posts and comments (called by moderation; posts never imports moderation).

Callers run these inside their own transaction with the audit row and event of the moderation decision."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.errors import NotFoundError
from fansub.posts.models import POST_TRANSITIONS, Post, PostComment, PostStatus


def unpublish_post(post_id: int, *, reason: str) -> Post:
    """Take a post down (kept, hidden, so purchases stay valid and the evidence stays)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None:
            raise NotFoundError("No such post.")
        if post.status == PostStatus.REMOVED:
            return post
        POST_TRANSITIONS.move(post, PostStatus.REMOVED)
        post.removed_at = timezone.now()
        post.removed_reason = f"moderation:{reason}"[:200]
        post.save(update_fields=["status", "removed_at", "removed_reason", "updated_at"])
    return post


def hide_comment(comment_id: int) -> PostComment:
    with transaction.atomic():
        row = PostComment.objects.select_for_update().filter(pk=comment_id).first()
        if row is None:
            raise NotFoundError("No such comment.")
        if not row.is_hidden:
            row.is_hidden = True
            row.save(update_fields=["is_hidden"])
            Post.objects.filter(pk=row.post_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    return row


def show_comment(comment_id: int) -> PostComment:
    """A held comment cleared by review, or a removal overturned on appeal."""
    with transaction.atomic():
        row = PostComment.objects.select_for_update().filter(pk=comment_id).first()
        if row is None:
            raise NotFoundError("No such comment.")
        if row.is_hidden:
            row.is_hidden = False
            row.save(update_fields=["is_hidden"])
            Post.objects.filter(pk=row.post_id).update(comment_count=F("comment_count") + 1)
    return row
