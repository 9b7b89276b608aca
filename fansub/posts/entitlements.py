"""Who may see a post's finals, and why not. Every page, API response and media URL asks here.

One post or a whole page of posts are answered with a fixed number of queries: the viewer's
follows, live subscriptions, unlocks and blocks are loaded once for the creators and posts on the
page (``ViewerContext``), then each decision is computed in memory.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from fansub.accounts.models import Block, Follow
from fansub.offers.models import Tier
from fansub.posts.models import Post, PostStatus
from fansub.purchases.models import PostPurchase
from fansub.subscriptions.models import Subscription, SubscriptionStatus
from fansub.verification.policy import adult_denial
from governance.services.two_factor import has_staff_powers
from payments.money import Money


class Denial(StrEnum):
    NOT_SUBSCRIBED = "not_subscribed"
    NOT_FOLLOWING = "not_following"
    TIER_NOT_INCLUDED = "tier_not_included"
    PPV_NOT_PURCHASED = "ppv_not_purchased"
    AGE_VERIFICATION_REQUIRED = "age_verification_required"
    SAFE_MODE = "safe_mode"
    BLOCKED = "blocked"
    REMOVED = "removed"
    CREATOR_ONLY = "creator_only"


@dataclass(frozen=True)
class UnlockOption:
    kind: str  # "follow" | "subscribe" | "purchase"
    price: Money | None = None
    tier_id: int | None = None
    tier_name: str = ""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Denial | None = None
    unlock: tuple[UnlockOption, ...] = ()

    @property
    def cheapest_unlock(self) -> UnlockOption | None:
        return self.unlock[0] if self.unlock else None


ALLOWED = Decision(True)


@dataclass
class ViewerContext:
    viewer: Any
    now: datetime
    follows: set[int] = field(default_factory=set)
    tier_by_creator: dict[int, int] = field(default_factory=dict)  # creator id -> tier id of a live subscription
    # creator id -> (price, includes cheaper tiers' posts) of the live subscription's tier
    subscribed_tier_terms: dict[int, tuple[int, bool]] = field(default_factory=dict)
    unlocked_posts: set[int] = field(default_factory=set)
    blocked_creators: set[int] = field(default_factory=set)
    tiers_by_creator: dict[int, list[Tier]] = field(default_factory=dict)  # active tiers, cheapest first

    _adult_denial: Any = field(default=..., repr=False)

    @property
    def is_privileged(self) -> bool:
        return has_staff_powers(self.viewer)

    @property
    def adult_denial(self) -> Denial | None:
        """None when the viewer may see adult material. Asked only when a page holds an adult post,
        so a safe-for-work page pays no age-assurance queries."""
        if self._adult_denial is ...:
            denial = adult_denial(self.viewer)
            self._adult_denial = Denial(denial) if denial else None
        return self._adult_denial


def live_subscription_q(now: datetime, prefix: str = "") -> Q:
    """Subscriptions that grant access right now (past-due ones only inside their grace period)."""
    p = prefix
    in_period = Q(**{f"{p}status__in": [SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE,
                                        SubscriptionStatus.CANCELED], f"{p}current_period_end__gt": now})
    in_grace = Q(**{f"{p}status": SubscriptionStatus.PAST_DUE, f"{p}grace_until__gt": now})
    return in_period | in_grace


def load_context(viewer: Any, *, creator_ids: Iterable[int], post_ids: Iterable[int] = (),
                 now: datetime | None = None, adult_ok: bool | None = None,
                 tiers: Sequence[Tier] | None = None) -> ViewerContext:
    """``adult_ok``: ``can_view_adult(viewer)`` when the caller already asked it for this request (a page asks
    once); None asks here, only if a post on the page is adult. ``tiers``: the creators' active (unarchived)
    tiers when the caller already loaded them."""
    now = now or timezone.now()
    creator_ids = set(creator_ids)
    post_ids = set(post_ids)
    ctx = ViewerContext(viewer=viewer, now=now)
    if adult_ok:
        ctx._adult_denial = None
    ctx.tiers_by_creator = {cid: [] for cid in creator_ids}
    if tiers is None:
        tiers = (Tier.objects.filter(creator_id__in=creator_ids, is_archived=False).order_by("price_minor", "id")
                 .only("id", "creator_id", "name", "price_minor", "currency", "includes_lower_tiers"))
    else:
        tiers = sorted((t for t in tiers if not t.is_archived and t.creator_id in creator_ids),
                       key=lambda t: (t.price_minor, t.id))
    for tier in tiers:
        ctx.tiers_by_creator[tier.creator_id].append(tier)
    if not getattr(viewer, "is_authenticated", False):
        return ctx
    _load_relations(ctx, viewer, creator_ids, post_ids)
    return ctx


def _relation_rows(qs: QuerySet, kind: str, *columns: Any) -> QuerySet:
    """One leg of the viewer's relations query: (kind, a, b, c, d), integers, NULL where a leg has none."""
    padded = [*columns, *[Value(None, output_field=IntegerField())] * (4 - len(columns))]
    names = {"rel_kind": Value(kind, output_field=CharField())}
    names.update({f"rel_{i}": F(c) if isinstance(c, str) else c for i, c in enumerate(padded)})
    return qs.annotate(**names).values_list(*names)


def _load_relations(ctx: ViewerContext, viewer: Any, creator_ids: set[int], post_ids: set[int]) -> None:
    """The viewer's follows, live subscriptions, purchases and blocks for the page's creators and posts: one
    query (a UNION of four small legs), whatever the page size."""
    legs = [
        _relation_rows(Follow.objects.filter(fan=viewer, creator_id__in=creator_ids), "follow", "creator_id"),
        _relation_rows(Subscription.objects.filter(live_subscription_q(ctx.now), fan=viewer,
                                                   creator_id__in=creator_ids),
                       "subscription", "creator_id", "tier_id", "tier__price_minor",
                       Cast("tier__includes_lower_tiers", IntegerField())),
        _relation_rows(Block.objects.filter(Q(blocker=viewer, blocked_id__in=creator_ids)
                                            | Q(blocked=viewer, blocker_id__in=creator_ids)),
                       "block", "blocker_id", "blocked_id"),
    ]
    if post_ids:  # posts that are or were for sale: a purchase outlives a later price or audience edit
        legs.append(_relation_rows(PostPurchase.objects.filter(fan=viewer, post_id__in=post_ids,
                                                               revoked_at__isnull=True), "purchase", "post_id"))
    for kind, a, b, price, includes in legs[0].union(*legs[1:], all=True):
        if kind == "follow":
            ctx.follows.add(a)
        elif kind == "subscription":
            ctx.tier_by_creator[a] = b
            ctx.subscribed_tier_terms[a] = (price, bool(includes))
        elif kind == "block":
            ctx.blocked_creators.add(a if a != viewer.pk else b)
        else:
            ctx.unlocked_posts.add(a)


def post_is_adult(post: Post) -> bool:
    return post.is_adult or post.creator.creator_profile.is_adult


def is_live(post: Post, now: datetime) -> bool:
    return (post.status == PostStatus.PUBLISHED and (post.expires_at is None or post.expires_at > now))


def buyer_keeps(post: Post) -> bool:
    """A bought post stays readable to its buyers unless staff removed it (moderation); a creator's own
    deletion hides it from everyone else only."""
    if post.status == PostStatus.PUBLISHED:
        return True
    return post.status == PostStatus.REMOVED and post.removed_reason == "deleted_by_creator"


def decide(ctx: ViewerContext, post: Post) -> Decision:
    """May ``ctx.viewer`` see this post's finals? Never queries: ``post.audience_tiers`` must be prefetched."""
    viewer = ctx.viewer
    is_owner = getattr(viewer, "pk", None) == post.creator_id
    if is_owner or ctx.is_privileged:
        return ALLOWED if post.status != PostStatus.REMOVED or ctx.is_privileged else Decision(False, Denial.REMOVED)
    if post.pk in ctx.unlocked_posts and buyer_keeps(post):
        # A purchase is an entitlement of its own: whatever the creator later edits (audience, price,
        # expiry), deletes or blocks, the buyer keeps what they paid for (age assurance still applies).
        if post_is_adult(post) and ctx.adult_denial:
            return Decision(False, ctx.adult_denial)
        return ALLOWED
    if not is_live(post, ctx.now):
        return Decision(False, Denial.REMOVED)
    if post_is_adult(post) and ctx.adult_denial:
        return Decision(False, ctx.adult_denial)
    if post.creator_id in ctx.blocked_creators:
        return Decision(False, Denial.BLOCKED)
    if post.audience_public:
        return ALLOWED
    creator = post.creator_id
    subscribed_tier = ctx.tier_by_creator.get(creator)
    tier_ids = {t.id for t in post.audience_tiers.all()}
    if post.audience_followers and (creator in ctx.follows or subscribed_tier is not None):
        return ALLOWED
    if post.audience_subscribers and subscribed_tier is not None:
        return ALLOWED
    if subscribed_tier is not None and subscribed_tier in tier_ids:
        return ALLOWED
    if subscribed_tier is not None and _includes_any(ctx.subscribed_tier_terms.get(creator), post):
        return ALLOWED
    if post.ppv_price_minor is not None and post.pk in ctx.unlocked_posts:
        return ALLOWED
    options = _unlock_options(ctx, post, tier_ids)
    return Decision(False, _reason(post, tier_ids, subscribed_tier), options)


def _includes_any(terms: tuple[int, bool] | None, post: Post) -> bool:
    """A tier that includes cheaper tiers' posts opens a post made for any tier priced below it."""
    if not terms or not terms[1]:
        return False
    return any(t.price_minor < terms[0] for t in post.audience_tiers.all())


def _reason(post: Post, tier_ids: set[int], subscribed_tier: int | None) -> Denial:
    if subscribed_tier is not None and tier_ids:
        return Denial.TIER_NOT_INCLUDED
    if post.audience_subscribers or tier_ids:
        return Denial.NOT_SUBSCRIBED
    if post.audience_followers:
        return Denial.NOT_FOLLOWING
    if post.ppv_price_minor is not None:
        return Denial.PPV_NOT_PURCHASED
    return Denial.CREATOR_ONLY


def _unlock_options(ctx: ViewerContext, post: Post, tier_ids: set[int]) -> tuple[UnlockOption, ...]:
    """Ways to unlock, cheapest first (a free follow before anything paid)."""
    options: list[UnlockOption] = []
    if post.audience_followers:
        options.append(UnlockOption("follow", None))
    eligible = [t for t in ctx.tiers_by_creator.get(post.creator_id, [])
                if post.audience_subscribers or t.id in tier_ids
                or _includes_any((t.price_minor, t.includes_lower_tiers), post)]
    if eligible:
        cheapest = eligible[0]
        options.append(UnlockOption("subscribe", cheapest.monthly_price, cheapest.id, cheapest.name))
    if post.ppv_price_minor is not None:
        options.append(UnlockOption("purchase", post.ppv_price))
    return tuple(sorted(options, key=lambda o: -1 if o.price is None else o.price.minor))


def decide_many(viewer: Any, posts: Sequence[Post], *, now: datetime | None = None,
                adult_ok: bool | None = None) -> dict[int, Decision]:
    """Decisions for a page of posts with a fixed number of queries."""
    return decide_page(viewer, posts, now=now, adult_ok=adult_ok)[0]


def decide_page(viewer: Any, posts: Sequence[Post], *, now: datetime | None = None, adult_ok: bool | None = None,
                tiers: Sequence[Tier] | None = None,
                creator_ids: Iterable[int] = ()) -> tuple[dict[int, Decision], ViewerContext]:
    """``decide_many``, and the context it loaded: a page reads the viewer's follows, subscriptions and purchases
    from it instead of asking again. ``tiers``: the active tiers of every creator on the page, when the page
    already loaded them (a creator's profile shows them); ``creator_ids``: creators the page needs the viewer's
    standing with even when none of their posts is on it."""
    ctx = load_context(viewer, creator_ids={p.creator_id for p in posts} | set(creator_ids),
                       post_ids={p.pk for p in posts}, now=now,  # bought posts may no longer be for sale
                       adult_ok=adult_ok, tiers=tiers)
    return {post.pk: decide(ctx, post) for post in posts}, ctx


def decide_one(viewer: Any, post: Post, *, now: datetime | None = None) -> Decision:
    return decide_many(viewer, [post], now=now)[post.pk]
