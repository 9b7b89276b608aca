"""Serializers for posts, feed cards, tiers and bundles. A locked post never carries its finals or text."""

from typing import Any

from rest_framework import serializers

from fansub.offers.models import Bundle, Tier
from fansub.posts.entitlements import Decision, UnlockOption
from fansub.posts.models import Post
from fansub.posts.selectors import PostCard


def money_dict(money: Any) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"amount_minor": money.minor, "currency": money.currency, "display": money.format()}


class MoneyField(serializers.Serializer):
    amount_minor = serializers.IntegerField(min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)


def unlock_dict(option: UnlockOption) -> dict[str, Any]:
    return {"kind": option.kind, "price": money_dict(option.price), "tier_id": option.tier_id,
            "tier_name": option.tier_name}


def card_dict(card: PostCard, *, request_user: Any = None) -> dict[str, Any]:
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
    tier_ids = serializers.ListField(child=serializers.IntegerField(), default=list)
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

    def get_price(self, bundle: Bundle) -> dict[str, Any] | None:
        return money_dict(bundle.price())


class TierSerializer(serializers.ModelSerializer):
    monthly_price = serializers.SerializerMethodField()
    bundles = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = ["id", "name", "description", "benefits", "monthly_price", "member_cap", "display_order",
                  "is_archived", "bundles"]

    def get_monthly_price(self, tier: Tier) -> dict[str, Any] | None:
        return money_dict(tier.monthly_price)

    def get_bundles(self, tier: Tier) -> list[dict[str, Any]]:
        return BundleSerializer([b for b in tier.bundles.all() if b.is_active], many=True).data


class TierInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(allow_blank=True, default="", max_length=1000)
    benefits = serializers.CharField(allow_blank=True, default="", max_length=2000)
    price = MoneyField()
    member_cap = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    display_order = serializers.IntegerField(min_value=0, default=0)


class BundleInput(serializers.Serializer):
    months = serializers.ChoiceField(choices=[3, 6, 12])
    discount_percent = serializers.IntegerField(min_value=0, max_value=50)
    is_active = serializers.BooleanField(default=True)


def decision_dict(decision: Decision) -> dict[str, Any]:
    return {"allowed": decision.allowed, "reason": decision.reason.value if decision.reason else None,
            "unlock": [unlock_dict(o) for o in decision.unlock]}
