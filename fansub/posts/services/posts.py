"""Posts: create, schedule, publish, edit (with history), pin, delete, like and comment."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common import trust
from common.errors import (
    CommentsDisabled,
    DomainError,
    NotEntitled,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.media.models import MediaUse, UseKind
from fansub.media.services import deletion
from fansub.media.services import links as media_links
from fansub.offers.models import Tier
from fansub.offers.services.tiers import creator_currency, platform_bound
from fansub.posts import entitlements
from fansub.posts.models import POST_TRANSITIONS, Post, PostComment, PostLike, PostRevision, PostStatus
from fansub.verification.services import performers
from fansub.verification.services.creator_verification import require_verified_creator
from payments.money import Money
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


@dataclass(frozen=True)
class AudienceSpec:
    public: bool = False
    followers: bool = False
    subscribers: bool = False
    tier_ids: tuple[int, ...] = ()
    ppv_price: Money | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.public or self.followers or self.subscribers or self.tier_ids or self.ppv_price)


@dataclass(frozen=True)
class PostInput:
    text: str = ""
    audience: AudienceSpec = field(default_factory=AudienceSpec)
    publish_at: datetime | None = None  # None: publish now; future: scheduled
    expires_at: datetime | None = None
    is_adult: bool | None = None        # None: inherit the creator's flag
    comments_enabled: bool = True
    draft: bool = False
    media_ids: tuple[str, ...] = ()  # public ids of ready items in the creator's vault, in order


def _creator_of(user: User) -> None:
    if user.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators publish posts.")


def _validate(creator: User, data: PostInput) -> list[Tier]:
    errors: dict[str, list[str]] = {}
    tiers = list(Tier.objects.filter(creator=creator, pk__in=data.audience.tier_ids))
    if len(tiers) != len(set(data.audience.tier_ids)):
        errors["tier_ids"] = ["Choose tiers of your own."]
    price = data.audience.ppv_price
    if price is not None:
        require_verified_creator(creator)  # only identity-verified creators sell
        if price.currency != creator_currency(creator):
            errors["ppv_price"] = [f"Price in {creator_currency(creator)}."]
        else:
            low = platform_bound(settings.PPV_PRICE_MIN, price.currency)
            high = platform_bound(settings.PPV_PRICE_MAX, price.currency)
            if not low <= price <= high:
                errors["ppv_price"] = [f"Between {low} and {high}."]
    now = timezone.now()
    if data.expires_at and data.expires_at <= (data.publish_at or now):
        errors["expires_at"] = ["Expiry must be after publication."]
    if not data.draft and data.audience.is_empty:
        errors["audience"] = ["Choose who can see this post."]
    if len(data.text) > 10000:
        errors["text"] = ["At most 10,000 characters."]
    if errors:
        raise ValidationFailed(details=errors)
    return tiers


def _apply(post: Post, data: PostInput, tiers: list[Tier], creator_is_adult: bool) -> None:
    audience = data.audience
    post.text = data.text
    post.audience_public = audience.public
    post.audience_followers = audience.followers
    post.audience_subscribers = audience.subscribers
    post.ppv_price_minor = audience.ppv_price.minor if audience.ppv_price else None
    post.ppv_currency = audience.ppv_price.currency if audience.ppv_price else ""
    post.expires_at = data.expires_at
    post.comments_enabled = data.comments_enabled
    # A post inherits its creator's adult flag and can only be made stricter, never lighter.
    post.is_adult = creator_is_adult or bool(data.is_adult)


def create_post(creator: User, data: PostInput) -> Post:
    _creator_of(creator)
    tiers = _validate(creator, data)
    now = timezone.now()
    with transaction.atomic():
        post = Post(creator=creator, status=PostStatus.DRAFT)  # every post starts as a draft
        _apply(post, data, tiers, creator.creator_profile.is_adult)
        if not data.draft and data.publish_at and data.publish_at > now:
            POST_TRANSITIONS.move(post, PostStatus.SCHEDULED)
            post.publish_at = data.publish_at
        post.save()
        post.audience_tiers.set(tiers)
        _attach_media(creator, post, data.media_ids)
        if not data.draft and post.status != PostStatus.SCHEDULED:
            _publish(post, now)
    return post


def _attach_media(creator: User, post: Post, media_ids: tuple[str, ...], *, replace: bool = False) -> None:

    items = (media_links.replace if replace else media_links.attach)(creator, UseKind.POST, post.pk, media_ids)
    if any(item.is_adult for item in items) and not post.is_adult:
        post.is_adult = True  # adult media makes the post adult, whatever the creator ticked
        post.save(update_fields=["is_adult"])


def _check_publishable(post: Post) -> None:
    """Rules that gate publication: every depicted person of an adult post has a producer record."""
    performers.check_performers(post)


def _publish(post: Post, now: datetime) -> None:
    POST_TRANSITIONS.check(post.status, PostStatus.PUBLISHED, "Only drafts and scheduled posts can be published.")
    _check_publishable(post)
    post.status = PostStatus.PUBLISHED
    post.published_at = now
    post.publish_at = post.publish_at or now
    post.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
    emit("post.published", {
        "post_id": post.pk, "creator_id": pseudonym("user", post.creator_id), "is_adult": post.is_adult,
        "audience": _audience_labels(post), "has_ppv": post.ppv_price_minor is not None,
    }, actor=post.creator)


def _audience_labels(post: Post) -> list[str]:
    labels = [name for name, on in (("public", post.audience_public), ("followers", post.audience_followers),
                                    ("subscribers", post.audience_subscribers)) if on]
    if post.audience_tiers.exists():
        labels.append("tiers")
    if post.ppv_price_minor is not None:
        labels.append("purchase")
    return labels


def publish_post(creator: User, post_id: int) -> Post:
    post = _own_post(creator, post_id)
    POST_TRANSITIONS.check(post.status, PostStatus.PUBLISHED, "Only drafts and scheduled posts can be published.")
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        _publish(post, timezone.now())
    return post


def schedule_post(creator: User, post_id: int, publish_at: datetime) -> Post:
    """Schedule a draft, or move a scheduled post to another time (the studio composer). The time must be in the
    future and before any expiry; a published post cannot be scheduled (INVALID_TRANSITION)."""
    post = _own_post(creator, post_id)
    if post.status != PostStatus.SCHEDULED:
        POST_TRANSITIONS.check(post.status, PostStatus.SCHEDULED, "Only drafts and scheduled posts can be scheduled.")
    if publish_at <= timezone.now():
        raise ValidationFailed(details={"publish_at": ["Choose a time in the future."]})
    if post.expires_at and post.expires_at <= publish_at:
        raise ValidationFailed(details={"expires_at": ["Expiry must be after publication."]})
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status == PostStatus.DRAFT:
            audience = (post.audience_public or post.audience_followers or post.audience_subscribers
                        or post.ppv_price_minor is not None or post.audience_tiers.exists())
            if not audience:
                raise ValidationFailed(details={"audience": ["Choose who can see this post."]})
            POST_TRANSITIONS.move(post, PostStatus.SCHEDULED)
        post.publish_at = publish_at
        post.removed_reason = ""
        post.save(update_fields=["status", "publish_at", "removed_reason", "updated_at"])
        emit("post.edited", {"post_id": post.pk}, actor=creator)
    return post


def publish_due_posts(now: datetime | None = None) -> int:
    """Beat task body: publish scheduled posts whose time came. Safe to run twice at once."""
    now = now or timezone.now()
    published = 0
    for post_id in Post.objects.filter(status=PostStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            post = Post.objects.select_for_update().filter(pk=post_id, status=PostStatus.SCHEDULED).first()
            if post is None:
                continue
            try:
                _publish(post, now)
            except DomainError as exc:
                # Leave it scheduled; the creator sees why on the post (e.g. a missing performer record).
                post.removed_reason = exc.code
                post.save(update_fields=["removed_reason"])
                continue
            published += 1
    return published


def _own_post(creator: User, post_id: int) -> Post:
    post = Post.objects.filter(pk=post_id, creator=creator).exclude(status=PostStatus.REMOVED).first()
    if post is None:
        raise NotFoundError("No such post.")
    return post


def edit_post(creator: User, post_id: int, data: PostInput) -> Post:
    post = _own_post(creator, post_id)
    tiers = _validate(creator, PostInput(**{**data.__dict__, "draft": post.status == PostStatus.DRAFT}))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.text != data.text:
            PostRevision.objects.create(post=post, text=post.text)
        _apply(post, data, tiers, creator.creator_profile.is_adult)
        post.save()
        post.audience_tiers.set(tiers)
        _attach_media(creator, post, data.media_ids, replace=True)
        if post.status == PostStatus.PUBLISHED:
            _check_publishable(post)  # an edit that makes a shown post adult needs every record too
        emit("post.edited", {"post_id": post.pk}, actor=creator)
    return post


def set_pinned(creator: User, post_id: int, pinned: bool) -> Post:
    post = _own_post(creator, post_id)
    post.is_pinned = pinned
    post.save(update_fields=["is_pinned", "updated_at"])
    return post


def delete_post(creator: User, post_id: int) -> None:
    """A creator deletes their post. Posts somebody bought are kept (hidden) so the purchase stays valid."""
    post = _own_post(creator, post_id)
    item_ids = list(MediaUse.objects.filter(kind=UseKind.POST, object_id=str(post_id))
                    .values_list("media_item_id", flat=True))
    with transaction.atomic():
        # The watermarked copies delivered for this post leave storage (buyers get fresh ones on demand).
        deletion.drop_delivered_copies(item_ids)
        if post.purchases.exists():
            POST_TRANSITIONS.move(post, PostStatus.REMOVED)
            post.removed_at = timezone.now()
            post.removed_reason = "deleted_by_creator"
            post.save(update_fields=["status", "removed_at", "removed_reason", "updated_at"])
        else:
            post.delete()

            # The items stay in the creator's vault; only this post's use of them goes.
            MediaUse.objects.filter(kind=UseKind.POST, object_id=str(post_id)).delete()
        emit("post.deleted", {"post_id": post_id}, actor=creator)


def _visible_post(viewer: User, post_id: int) -> Post:
    post = (Post.objects.select_related("creator__creator_profile").prefetch_related("audience_tiers")
            .filter(pk=post_id).first())
    if post is None:
        raise NotFoundError("No such post.")
    decision = entitlements.decide_one(viewer, post)
    if not decision.allowed:
        raise NotEntitled(details={"reason": decision.reason.value if decision.reason else None})
    return post


def like(user: User, post_id: int) -> bool:
    post = _visible_post(user, post_id)
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, user=user)
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
            emit("post.liked", {"post_id": post.pk}, actor=user)
    except IntegrityError:
        return False  # already liked: liking twice is not an error, and counts once
    return True


def unlike(user: User, post_id: int) -> None:
    with transaction.atomic():
        deleted, _ = PostLike.objects.filter(post_id=post_id, user=user).delete()
        if deleted:
            Post.objects.filter(pk=post_id).update(like_count=F("like_count") - 1)


def comment(user: User, post_id: int, text: str) -> PostComment:
    post = _visible_post(user, post_id)
    if not post.comments_enabled:
        raise CommentsDisabled("Comments are turned off for this post.")
    text = text.strip()
    if not text or len(text) > 2000:
        raise ValidationFailed(details={"text": ["Write 1 to 2,000 characters."]})
    hold = trust.screen_text(trust.COMMENT, text, author=user)  # CONTENT_REFUSED, or held for review
    with transaction.atomic():
        row = PostComment.objects.create(post=post, author=user, text=text, is_hidden=hold is not None)
        if hold is not None:
            hold.queue(row.pk, user)
        else:
            Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        emit("post.commented", {"post_id": post.pk, "comment_id": row.pk}, actor=user)
    return row


def record_view(viewer: User, *, post_id: int, creator_id: int) -> None:
    emit("post.viewed", {"post_id": post_id, "creator_id": pseudonym("user", creator_id)}, actor=viewer)
