"""Read queries for fansub. Every list of creators or posts goes through the adult-content policy."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from common import trust
from fansub.accounts.models import Block, CreatorProfile, Follow, User
from fansub.media.models import UseKind
from fansub.media.services import links as media_links
from fansub.posts import entitlements
from fansub.posts.models import Post, PostStatus
from fansub.purchases.models import PostPurchase, PostPurchaseItem
from fansub.subscriptions.models import Subscription
from fansub.verification.policy import can_view_adult


def visible_creators(viewer: User | AnonymousUser) -> QuerySet[CreatorProfile]:
    creators = CreatorProfile.objects.select_related("user").filter(user__is_active=True).order_by("display_name")
    if not can_view_adult(viewer):
        creators = creators.filter(is_adult=False)
    if getattr(viewer, "is_authenticated", False):
        creators = creators.exclude(user__in=Block.objects.filter(blocked=viewer).values("blocker"))
    return creators


def discoverable_creators(viewer: User | AnonymousUser) -> QuerySet[CreatorProfile]:
    """Creators listed for discovery: visible ones, less those Trust & Safety restricted (still reachable by
    their page address)."""
    hidden = trust.hidden_from_discovery()
    creators = visible_creators(viewer)
    return creators.exclude(user_id__in=hidden) if hidden is not None else creators


def creator_by_handle(viewer: User | AnonymousUser, handle: str) -> CreatorProfile | None:
    return visible_creators(viewer).filter(user__handle__iexact=handle).first()


def _post_base(viewer: Any, now: datetime) -> QuerySet[Post]:
    posts = (Post.objects.filter(status=PostStatus.PUBLISHED)
             .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
             .select_related("creator__creator_profile").prefetch_related("audience_tiers"))
    if not can_view_adult(viewer):
        posts = posts.filter(is_adult=False, creator__creator_profile__is_adult=False)
    return posts


@dataclass(frozen=True)
class PostCard:
    post: Post
    decision: entitlements.Decision
    media: tuple = ()  # dicts from fansub.media.services.links.media_dicts


def _cards(viewer: Any, rows: list[Post], decisions: dict[int, entitlements.Decision]) -> list[PostCard]:

    attached = media_links.items_for(UseKind.POST, [p.pk for p in rows])
    for post_id, items in _bought_and_detached(viewer, rows, attached).items():
        attached[post_id] = [*attached.get(post_id, []), *items]
    adult_ok = media_links.adult_ok_for(viewer, attached)
    return [PostCard(p, decisions[p.pk], tuple(media_links.media_dicts(viewer, attached.get(p.pk, []),
                                                                        entitled=decisions[p.pk].allowed,
                                                                        adult_ok=adult_ok)))
            for p in rows]


def _bought_and_detached(viewer: Any, rows: list[Post], attached: dict[int, list]) -> dict[int, list]:
    """Items the viewer bought with a post and the creator has since detached from it: still on the buyer's card."""
    if not getattr(viewer, "is_authenticated", False) or not rows:
        return {}
    mine = [p.pk for p in rows if p.creator_id != viewer.pk]
    if not mine:
        return {}
    out: dict[int, list] = {}
    bought = (PostPurchaseItem.objects.filter(purchase__fan=viewer, purchase__revoked_at__isnull=True,
                                              purchase__post_id__in=mine)
              .select_related("media_item", "purchase").prefetch_related("media_item__renditions").order_by("id"))
    for row in bought:
        post_id = row.purchase.post_id
        if all(item.pk != row.media_item_id for item in attached.get(post_id, [])):
            out.setdefault(post_id, []).append(row.media_item)
    return out


@dataclass(frozen=True)
class FeedPage:
    cards: list[PostCard]
    next_cursor: str | None


def encode_cursor(post: Post) -> str:
    raw = f"{post.published_at.isoformat()}|{post.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        return datetime.fromisoformat(stamp), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _page(viewer: Any, posts: QuerySet[Post], cursor: str | None, size: int, now: datetime) -> FeedPage:
    position = decode_cursor(cursor) if cursor else None
    if position:
        stamp, pk = position
        posts = posts.filter(Q(published_at__lt=stamp) | Q(published_at=stamp, pk__lt=pk))
    rows = list(posts.order_by("-published_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    decisions = entitlements.decide_many(viewer, rows, now=now)
    return FeedPage(_cards(viewer, rows, decisions), encode_cursor(rows[-1]) if more else None)


def home_feed(viewer: User | AnonymousUser, *, cursor: str | None = None, size: int = 20) -> FeedPage:
    """Posts of creators the fan follows or subscribes to, newest first."""
    now = timezone.now()
    followed = Follow.objects.filter(fan=viewer).values("creator_id")
    subscribed = Subscription.objects.filter(entitlements.live_subscription_q(now), fan=viewer).values("creator_id")
    blocked_by = Block.objects.filter(blocked=viewer).values("blocker_id")
    posts = (_post_base(viewer, now).filter(Q(creator_id__in=followed) | Q(creator_id__in=subscribed))
             .exclude(creator_id__in=blocked_by))
    return _page(viewer, posts, cursor, size, now)


def creator_posts(viewer: User | AnonymousUser, creator_id: int, *, cursor: str | None = None,
                  size: int = 20, exclude_ids: tuple[int, ...] = ()) -> FeedPage:
    """A creator's posts, newest first; ``exclude_ids`` leaves out posts the page already shows (pinned)."""
    now = timezone.now()
    posts = _post_base(viewer, now).filter(creator_id=creator_id)
    if exclude_ids:
        posts = posts.exclude(pk__in=exclude_ids)
    return _page(viewer, posts, cursor, size, now)


def current_tier_id(viewer: User | AnonymousUser, creator_id: int) -> int | None:
    """The tier of the viewer's live subscription to this creator (marked "Your tier" on the profile)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (Subscription.objects.filter(entitlements.live_subscription_q(timezone.now()), fan=viewer,
                                        creator_id=creator_id).values_list("tier_id", flat=True).first())


def pinned_posts(viewer: User | AnonymousUser, creator_id: int) -> list[PostCard]:
    now = timezone.now()
    rows = list(_post_base(viewer, now).filter(creator_id=creator_id, is_pinned=True).order_by("-published_at")[:3])
    decisions = entitlements.decide_many(viewer, rows, now=now)
    return _cards(viewer, rows, decisions)


def post_for_viewer(viewer: User | AnonymousUser, post_id: int) -> PostCard | None:
    """A single post, if the viewer may know it exists (adult posts stay hidden in safe mode)."""
    now = timezone.now()
    post = (Post.objects.select_related("creator__creator_profile").prefetch_related("audience_tiers")
            .filter(pk=post_id).first())
    if post is None:
        return None
    decision = entitlements.decide_one(viewer, post, now=now)
    is_owner = getattr(viewer, "pk", None) == post.creator_id
    if not decision.allowed and decision.reason in {entitlements.Denial.REMOVED, entitlements.Denial.BLOCKED,
                                                     entitlements.Denial.SAFE_MODE,
                                                     entitlements.Denial.AGE_VERIFICATION_REQUIRED} and not is_owner:
        return None
    return _cards(viewer, [post], {post.pk: decision})[0]


def purchased_posts(viewer: User, *, limit: int = 200) -> list[PostCard]:
    """The fan's library of bought posts, newest purchase first: a purchase is permanent (kept through later
    edits, expiry or the creator's deletion; only a refund or staff removal takes it away)."""
    bought = list(PostPurchase.objects.filter(fan=viewer, revoked_at__isnull=True)
                  .order_by("-created_at", "-id").values_list("post_id", flat=True)[:limit])
    if not bought:
        return []
    now = timezone.now()
    by_id = {p.pk: p for p in Post.objects.filter(pk__in=bought).select_related("creator__creator_profile")
             .prefetch_related("audience_tiers")}
    rows = [by_id[pk] for pk in bought if pk in by_id]
    decisions = entitlements.decide_many(viewer, rows, now=now)
    return [card for card in _cards(viewer, rows, decisions) if card.decision.allowed]
