"""Read queries for fansub. Every list of creators or posts goes through the adult-content policy."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from common import trust
from fansub.accounts.models import Block, CreatorProfile, Follow, User
from fansub.custom_requests import selectors as request_selectors
from fansub.media.models import UseKind
from fansub.media.selectors import PageUrls
from fansub.media.services import links as media_links
from fansub.offers import selectors as offer_selectors
from fansub.offers.models import Tier
from fansub.offers.services.tiers import creator_currency
from fansub.posts import entitlements
from fansub.posts.models import Post, PostStatus
from fansub.purchases import selectors as purchase_selectors
from fansub.purchases.models import PostPurchase, PostPurchaseItem
from fansub.subscriptions.models import Subscription
from fansub.verification.policy import can_view_adult
from payments.money import Money


def visible_creators(viewer: User | AnonymousUser, *, adult_ok: bool | None = None) -> QuerySet[CreatorProfile]:
    creators = CreatorProfile.objects.select_related("user").filter(user__is_active=True).order_by("display_name")
    if not (can_view_adult(viewer) if adult_ok is None else adult_ok):
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


def creator_by_handle(viewer: User | AnonymousUser, handle: str, *,
                      adult_ok: bool | None = None) -> CreatorProfile | None:
    return visible_creators(viewer, adult_ok=adult_ok).filter(user__handle__iexact=handle).first()


@dataclass(frozen=True)
class CreatorPage:
    profile: CreatorProfile
    pinned: list["PostCard"]
    page: "FeedPage"
    current_tier_id: int | None
    following: bool
    tiers: list[Tier]  # on sale, with their bundles
    takes_requests: bool
    tip_total: Money | None  # what the public sees: None when the creator hides it


def creator_page(viewer: User | AnonymousUser, handle: str, *, cursor: str | None = None,
                 size: int = 10) -> CreatorPage | None:
    """A creator's profile page: pinned posts (first page only), one page of the others, the tiers on sale and
    the viewer's standing. The age rule is asked once, and the pinned and listed posts are decided and carded in
    one pass (one set of entitlement and media queries). None: no such creator for this viewer."""
    now = timezone.now()
    adult_ok = can_view_adult(viewer)
    profile = (visible_creators(viewer, adult_ok=adult_ok).filter(user__handle__iexact=handle)
               .annotate(takes_requests=request_selectors.takes_requests_exists(OuterRef("user_id")),
                         tip_total_minor=purchase_selectors.tip_total_minor_exp(OuterRef("user_id"))).first())
    if profile is None:
        return None
    creator_id = profile.user_id
    base = _post_base(viewer, now, adult_ok, prefetch=False).filter(creator_id=creator_id)
    pinned_rows = list(base.filter(is_pinned=True).order_by("-published_at")[:3])
    # Pinned posts are shown once, in their own section on the first page, and never again in the list.
    listed = base.exclude(pk__in=[p.pk for p in pinned_rows])
    position = decode_cursor(cursor) if cursor else None
    if position:
        stamp, pk = position
        listed = listed.filter(Q(published_at__lt=stamp) | Q(published_at=stamp, pk__lt=pk))
    rows = list(listed.order_by("-published_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    shown = [*([] if cursor else pinned_rows), *rows]
    prefetch_related_objects(shown, "audience_tiers")
    tiers = list(offer_selectors.tiers_on_sale(creator_id))
    decisions, ctx = entitlements.decide_page(viewer, shown, now=now, adult_ok=adult_ok, tiers=tiers,
                                              creator_ids=[creator_id])  # standing shown with no post too
    cards = _cards(viewer, shown, decisions, adult_ok, frozenset(ctx.unlocked_posts))
    pinned_cards, listed_cards = cards[:len(shown) - len(rows)], cards[len(shown) - len(rows):]
    return CreatorPage(profile, pinned_cards, FeedPage(listed_cards, encode_cursor(rows[-1]) if more else None),
                       ctx.tier_by_creator.get(creator_id), creator_id in ctx.follows, tiers,
                       bool(profile.takes_requests),
                       None if profile.hide_tip_totals else Money(profile.tip_total_minor or 0,
                                                                  creator_currency(profile.user)))


def _post_base(viewer: Any, now: datetime, adult_ok: bool, *, prefetch: bool = True) -> QuerySet[Post]:
    """``prefetch=False``: the caller prefetches ``audience_tiers`` itself (once for several lists)."""
    posts = (Post.objects.filter(status=PostStatus.PUBLISHED)
             .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
             .select_related("creator__creator_profile"))
    if prefetch:
        posts = posts.prefetch_related("audience_tiers")
    if not adult_ok:
        posts = posts.filter(is_adult=False, creator__creator_profile__is_adult=False)
    return posts


@dataclass(frozen=True)
class PostCard:
    post: Post
    decision: entitlements.Decision
    media: tuple = ()  # dicts from fansub.media.services.links.media_dicts


def _cards(viewer: Any, rows: list[Post], decisions: dict[int, entitlements.Decision],
           adult_ok: bool | None = None, bought: frozenset[int] | None = None) -> list[PostCard]:
    """``adult_ok``: the page's one answer of ``can_view_adult(viewer)`` (asked here when not given);
    ``bought``: the posts on the page the viewer bought, when the decisions already loaded them."""
    if not rows:
        return []
    attached: dict[int, list] = media_links.card_items_for(UseKind.POST, [p.pk for p in rows])
    for post_id, items in _bought_and_detached(viewer, rows, attached, bought).items():
        attached[post_id] = [*attached.get(post_id, []), *items]
    if adult_ok is None:
        adult_ok = media_links.adult_ok_for(viewer, attached)
    urls = PageUrls()
    return [PostCard(p, decisions[p.pk], tuple(media_links.media_dicts(viewer, attached.get(p.pk, []),
                                                                        entitled=decisions[p.pk].allowed,
                                                                        adult_ok=adult_ok, urls=urls)))
            for p in rows]


def _bought_and_detached(viewer: Any, rows: list[Post], attached: dict[int, list],
                         bought: frozenset[int] | None = None) -> dict[int, list]:
    """Items the viewer bought with a post and the creator has since detached from it: still on the buyer's card.
    ``bought`` (the page's purchased post ids, when known) spares the query on a page with no purchase."""
    if not getattr(viewer, "is_authenticated", False) or not rows:
        return {}
    mine = [p.pk for p in rows if p.creator_id != viewer.pk and (bought is None or p.pk in bought)]
    if not mine:
        return {}
    out: dict[int, list] = {}
    items_bought = (PostPurchaseItem.objects.filter(purchase__fan=viewer, purchase__revoked_at__isnull=True,
                                              purchase__post_id__in=mine)
              .select_related("media_item", "purchase").prefetch_related("media_item__renditions").order_by("id"))
    for row in items_bought:
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


def _page(viewer: Any, posts: QuerySet[Post], cursor: str | None, size: int, now: datetime,
          adult_ok: bool) -> FeedPage:
    position = decode_cursor(cursor) if cursor else None
    if position:
        stamp, pk = position
        posts = posts.filter(Q(published_at__lt=stamp) | Q(published_at=stamp, pk__lt=pk))
    rows = list(posts.order_by("-published_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    decisions, ctx = entitlements.decide_page(viewer, rows, now=now, adult_ok=adult_ok)
    return FeedPage(_cards(viewer, rows, decisions, adult_ok, frozenset(ctx.unlocked_posts)),
                    encode_cursor(rows[-1]) if more else None)


def home_feed(viewer: User | AnonymousUser, *, cursor: str | None = None, size: int = 20) -> FeedPage:
    """Posts of creators the fan follows or subscribes to, newest first."""
    now = timezone.now()
    adult_ok = can_view_adult(viewer)  # asked once for the page: the query filter, the decisions and the media
    followed = Follow.objects.filter(fan=viewer).values("creator_id")
    subscribed = Subscription.objects.filter(entitlements.live_subscription_q(now), fan=viewer).values("creator_id")
    blocked_by = Block.objects.filter(blocked=viewer).values("blocker_id")
    posts = (_post_base(viewer, now, adult_ok).filter(Q(creator_id__in=followed) | Q(creator_id__in=subscribed))
             .exclude(creator_id__in=blocked_by))
    return _page(viewer, posts, cursor, size, now, adult_ok)


def creator_posts(viewer: User | AnonymousUser, creator_id: int, *, cursor: str | None = None,
                  size: int = 20, exclude_ids: tuple[int, ...] = (), adult_ok: bool | None = None) -> FeedPage:
    """A creator's posts, newest first; ``exclude_ids`` leaves out posts the page already shows (pinned).
    ``adult_ok``: ``can_view_adult(viewer)`` when the page already asked it."""
    now = timezone.now()
    adult_ok = can_view_adult(viewer) if adult_ok is None else adult_ok
    posts = _post_base(viewer, now, adult_ok).filter(creator_id=creator_id)
    if exclude_ids:
        posts = posts.exclude(pk__in=exclude_ids)
    return _page(viewer, posts, cursor, size, now, adult_ok)


def creator_posts_by_handle(viewer: User | AnonymousUser, handle: str, *, cursor: str | None = None,
                            size: int = 20) -> FeedPage | None:
    """The API's list of a creator's posts (the age rule asked once). None: no such creator for this viewer."""
    adult_ok = can_view_adult(viewer)
    profile = creator_by_handle(viewer, handle, adult_ok=adult_ok)
    if profile is None:
        return None
    return creator_posts(viewer, profile.user_id, cursor=cursor, size=size, adult_ok=adult_ok)


def current_tier_id(viewer: User | AnonymousUser, creator_id: int) -> int | None:
    """The tier of the viewer's live subscription to this creator (marked "Your tier" on the profile)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (Subscription.objects.filter(entitlements.live_subscription_q(timezone.now()), fan=viewer,
                                        creator_id=creator_id).values_list("tier_id", flat=True).first())


def pinned_posts(viewer: User | AnonymousUser, creator_id: int, *, adult_ok: bool | None = None) -> list[PostCard]:
    now = timezone.now()
    adult_ok = can_view_adult(viewer) if adult_ok is None else adult_ok
    rows = list(_post_base(viewer, now, adult_ok).filter(creator_id=creator_id, is_pinned=True)
                .order_by("-published_at")[:3])
    decisions, ctx = entitlements.decide_page(viewer, rows, now=now, adult_ok=adult_ok)
    return _cards(viewer, rows, decisions, adult_ok, frozenset(ctx.unlocked_posts))


def post_for_viewer(viewer: User | AnonymousUser, post_id: int) -> PostCard | None:
    """A single post, if the viewer may know it exists (adult posts stay hidden in safe mode)."""
    now = timezone.now()
    post = (Post.objects.select_related("creator__creator_profile").prefetch_related("audience_tiers")
            .filter(pk=post_id).first())
    if post is None:
        return None
    # An adult post asks the age rule once for both the decision and its media.
    adult_ok = can_view_adult(viewer) if entitlements.post_is_adult(post) else None
    decisions, ctx = entitlements.decide_page(viewer, [post], now=now, adult_ok=adult_ok)
    decision = decisions[post.pk]
    is_owner = getattr(viewer, "pk", None) == post.creator_id
    if not decision.allowed and decision.reason in {entitlements.Denial.REMOVED, entitlements.Denial.BLOCKED,
                                                     entitlements.Denial.SAFE_MODE,
                                                     entitlements.Denial.AGE_VERIFICATION_REQUIRED} and not is_owner:
        return None
    return _cards(viewer, [post], decisions, adult_ok, frozenset(ctx.unlocked_posts))[0]


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
