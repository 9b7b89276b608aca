from typing import Any

from django.contrib.auth.models import AnonymousUser

from common.errors import NotFoundError
from fansub.accounts.models import User
from fansub.posts.models import PostComment
from fansub.posts.selectors import post_for_viewer


def visible_comments(viewer: User | AnonymousUser, post_id: int) -> list[dict[str, Any]]:
    """Comments are part of the post: only those entitled to the post read them."""
    card = post_for_viewer(viewer, post_id)
    if card is None or not card.decision.allowed:
        raise NotFoundError("No such post.")
    rows = PostComment.objects.filter(post_id=post_id, is_hidden=False).select_related("author")[:200]
    return [{"id": c.pk, "author": c.author.handle, "text": c.text, "created_at": c.created_at} for c in rows]
