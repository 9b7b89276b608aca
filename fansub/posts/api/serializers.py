"""Serializers for posts, feed cards, tiers and bundles. A locked post never carries its finals or text."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import INT32_MAX, SMALLINT_MAX, BoundedIntegerField, id_list
from fansub.accounts.models import User
from fansub.offers.models import Bundle, Tier
from fansub.posts.entitlements import Decision, UnlockOption
from fansub.posts.models import Post
from fansub.posts.selectors import PostCard
from payments.api.fields import MoneyField, MoneySerializer, money_dict


def unlock_dict(option: UnlockOption) -> dict[str, Any]:
    return {"kind": option.kind, "price": money_dict(option.price), "tier_id": option.tier_id,
            "tier_name": option.tier_name}


def card_dict(card: PostCard, *, request_user: User | AnonymousUser | None = None) -> dict[str, Any]:
    post, decision = card.post, card.decision
    body: dict[str, Any] = {
        "id": post.pk,
        "creator": post.creator.handle,
        "published_at": post.published_at,
        "is_adult": post.is_adult,
        "is_pinned": post.is_pinned,
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "locked": not decision.allowed,
        "locked_reason": decision.reason.value if decision.reason else None,
        "unlock": [unlock_dict(o) for o in decision.unlock],
        "text": post.text if decision.allowed else None,
        "media": list(card.media),
        "comments_enabled": post.comments_enabled,
    }
    if request_user is not None and getattr(request_user, "pk", None) == post.creator_id:
        body["audience"] = audience_dict(post)
        body["status"] = post.status
    return body


def audience_dict(post: Post) -> dict[str, Any]:
    return {"public": post.audience_public, "followers": post.audience_followers,
            "subscribers": post.audience_subscribers, "tier_ids": [t.pk for t in post.audience_tiers.all()],
            "ppv_price": money_dict(post.ppv_price)}


class AudienceInput(serializers.Serializer):
    public = serializers.BooleanField(default=False)
    followers = serializers.BooleanField(default=False)
    subscribers = serializers.BooleanField(default=False)
    tier_ids = id_list(default=list)
    ppv_price = MoneyField(required=False, allow_null=True, default=None)


class PostInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=10000, default="")
    audience = AudienceInput()
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    is_adult = serializers.BooleanField(required=False, allow_null=True, default=None)
    comments_enabled = serializers.BooleanField(default=True)
    draft = serializers.BooleanField(default=False)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class CommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class BundleSerializer(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()

    class Meta:
        model = Bundle
        fields = ["months", "discount_percent", "is_active", "price"]

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_price(self, bundle: Bundle) -> dict[str, Any] | None:
        return money_dict(bundle.price())


class TierSerializer(serializers.ModelSerializer):
    monthly_price = serializers.SerializerMethodField()
    bundles = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = ["id", "name", "description", "benefits", "monthly_price", "member_cap", "display_order",
                  "is_archived", "bundles"]

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_monthly_price(self, tier: Tier) -> dict[str, Any] | None:
        return money_dict(tier.monthly_price)

    @extend_schema_field(BundleSerializer(many=True))
    def get_bundles(self, tier: Tier) -> list[dict[str, Any]]:
        return BundleSerializer([b for b in tier.bundles.all() if b.is_active], many=True).data


class TierInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(allow_blank=True, default="", max_length=1000)
    benefits = serializers.CharField(allow_blank=True, default="", max_length=2000)
    price = MoneyField()
    member_cap = BoundedIntegerField(min_value=1, max_value=INT32_MAX, required=False, allow_null=True, default=None)
    display_order = BoundedIntegerField(min_value=0, max_value=SMALLINT_MAX, default=0)


class BundleInput(serializers.Serializer):
    months = serializers.ChoiceField(choices=[3, 6, 12])
    discount_percent = serializers.IntegerField(min_value=0, max_value=50)
    is_active = serializers.BooleanField(default=True)


def decision_dict(decision: Decision) -> dict[str, Any]:
    return {"allowed": decision.allowed, "reason": decision.reason.value if decision.reason else None,
            "unlock": [unlock_dict(o) for o in decision.unlock]}


# --- query and special inputs ------------------------------------------------------------------

class FeedQuery(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   help_text="Opaque cursor from next_cursor.")
    page_size = serializers.CharField(required=False, allow_blank=True, default="", max_length=30,
                                      help_text="1-100 (clamped); the default page size when absent or not a number.")

    def validate_page_size(self, value: str) -> int | None:
        try:
            return max(1, min(int(value), 100)) if value else None
        except ValueError:
            return None


class PerformerInput(serializers.Serializer):
    """Either a verified creator's handle (JSON), or a guest's release (multipart, every field but handle)."""

    handle = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    legal_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    aliases = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000,
                                    help_text="Comma-separated.")
    id_image = serializers.FileField(required=False, allow_null=True, default=None)
    release_form = serializers.FileField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["handle"] and attrs["date_of_birth"] is None:
            raise serializers.ValidationError({"date_of_birth": ["Use YYYY-MM-DD."]})
        return attrs


class ReleaseDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# --- responses ------------------------------------------------------------------------------------

class UnlockOptionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    price = MoneySerializer(allow_null=True)
    tier_id = serializers.IntegerField(allow_null=True)
    tier_name = serializers.CharField(allow_null=True)


class AudienceSerializer(serializers.Serializer):
    public = serializers.BooleanField()
    followers = serializers.BooleanField()
    subscribers = serializers.BooleanField()
    tier_ids = serializers.ListField(child=serializers.IntegerField())
    ppv_price = MoneySerializer(allow_null=True)


class CardMediaSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True)
    final_url = serializers.CharField(allow_null=True, help_text="Only for a viewer entitled to the post.")
    poster_url = serializers.CharField(allow_null=True, help_text="A video's poster frame, with the final.")
    stream_url = serializers.CharField(
        allow_null=True, required=False,
        help_text="A video's HLS playlist for this viewer (per-viewer marked segments); replaces final_url for "
                  "everyone but the owner.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True, help_text="Videos only.")


class PostCardSerializer(serializers.Serializer):
    """A post as one viewer sees it: a locked post carries no text and no final URLs."""

    id = serializers.IntegerField()
    creator = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    is_adult = serializers.BooleanField()
    is_pinned = serializers.BooleanField()
    like_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    locked = serializers.BooleanField()
    locked_reason = serializers.CharField(allow_null=True)
    unlock = UnlockOptionSerializer(many=True)
    text = serializers.CharField(allow_null=True)
    media = CardMediaSerializer(many=True)
    comments_enabled = serializers.BooleanField()
    audience = AudienceSerializer(required=False, help_text="Only for the post's creator.")
    status = serializers.CharField(required=False, help_text="Only for the post's creator.")


class FeedPageSerializer(serializers.Serializer):
    results = PostCardSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentListSerializer(serializers.Serializer):
    results = CommentSerializer(many=True)


class PerformerTaggedSerializer(serializers.Serializer):
    performer = serializers.CharField(help_text="Handle of the tagged verified creator.")


class GuestReleaseStatusSerializer(serializers.Serializer):
    release_id = serializers.IntegerField()
    status = serializers.CharField()
