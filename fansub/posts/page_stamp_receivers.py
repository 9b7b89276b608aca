"""Which saved or deleted rows move which page stamps (``fansub.posts.page_stamps``).

Every model a fan page reads is listed here with the users whose pages it changes: as viewers (what the
person looking may see, and their header) or as creators (what is shown of them). A new model that a feed,
profile or post page reads belongs in this table; ``tests/posts/test_page_cache.py`` checks the pages change
with each of them. Writes that bypass signals (``QuerySet.update``, ``bulk_create``) bump explicitly at the
call site.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from fansub.accounts.models import Block, CreatorProfile, FanProfile, Follow, Notification, User
from fansub.accounts.services.page_stamps import touch_creators, touch_viewers
from fansub.custom_requests.models import RequestSettings
from fansub.media.models import MediaItem, MediaUse, Rendition
from fansub.offers.models import Bundle, Promotion, Tier, TrialLink
from fansub.posts.models import Post, PostComment, PostLike
from fansub.purchases.models import PostPurchase, Tip
from fansub.subscriptions.models import Subscription
from fansub.verification.models import AgeCheck, IdentityVerification, PostPerformer

Ids = Callable[[Any], Iterable[int | None]]


def _none(row: Any) -> list[int]:
    return []


def _post_creator(post_id: int | None) -> list[int]:
    return list(Post.objects.filter(pk=post_id).values_list("creator_id", flat=True)) if post_id else []


def _media_creator(media_item_id: int | None) -> list[int]:
    return list(MediaItem.objects.filter(pk=media_item_id).values_list("creator_id", flat=True)) \
        if media_item_id else []


# model: (viewers whose pages change, creators whose pages change)
RULES: dict[type[Model], tuple[Ids, Ids]] = {
    User: (lambda u: [u.pk], lambda u: [u.pk]),  # handle, role, staff, active
    CreatorProfile: (_none, lambda p: [p.user_id]),
    FanProfile: (lambda p: [p.user_id], _none),  # safe mode, region
    Follow: (lambda f: [f.fan_id], lambda f: [f.creator_id]),
    Block: (lambda b: [b.blocker_id, b.blocked_id], _none),
    Notification: (lambda n: [n.user_id], _none),  # the header's unread count
    AgeCheck: (lambda c: [c.user_id], _none),
    IdentityVerification: (lambda v: [v.user_id], lambda v: [v.user_id]),  # adult creators are shown once verified
    Subscription: (lambda s: [s.fan_id], lambda s: [s.creator_id]),  # entitlements; tier member counts
    PostPurchase: (lambda p: [p.fan_id], _none),
    Tip: (_none, lambda t: [t.creator_id]),  # the public tip total
    Tier: (_none, lambda t: [t.creator_id]),
    Bundle: (_none, lambda b: Tier.objects.filter(pk=b.tier_id).values_list("creator_id", flat=True)),
    Promotion: (_none, lambda p: [p.creator_id]),
    TrialLink: (_none, lambda t: [t.creator_id]),
    RequestSettings: (_none, lambda r: [r.creator_id]),
    Post: (_none, lambda p: [p.creator_id]),
    PostLike: (_none, lambda like: _post_creator(like.post_id)),
    PostComment: (_none, lambda c: _post_creator(c.post_id)),
    PostPerformer: (_none, lambda p: _post_creator(p.post_id)),
    MediaItem: (_none, lambda m: [m.creator_id]),
    Rendition: (_none, lambda r: _media_creator(r.media_item_id)),
    MediaUse: (_none, lambda u: _media_creator(u.media_item_id)),
}


def _changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    viewers, creators = RULES[sender]
    touch_viewers(viewers(instance))
    touch_creators(creators(instance))


def _audience_changed(sender: type[Model], instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):  # post.audience_tiers or tier.posts: either way one creator's own rows
        touch_creators([instance.creator_id])


def connect() -> None:
    for model in RULES:
        uid = f"page-stamps-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(_audience_changed, sender=Post.audience_tiers.through, dispatch_uid="page-stamps-audience")
