from rest_framework import serializers

from common.api.fields import CountryCodeField
from fansub.accounts.models import CreatorProfile, FanProfile, Notification, Role, User


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField()
    handle = serializers.CharField(max_length=30)
    password = serializers.CharField(write_only=True)
    role = serializers.ChoiceField(choices=[Role.FAN, Role.CREATOR], default=Role.FAN)
    attests_adult = serializers.BooleanField()
    country = CountryCodeField(required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)
    otp_token = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=16,
                                      help_text="Staff accounts: a code from a confirmed authenticator or a "
                                                "backup token. Required for staff; ignored otherwise.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class FanProfileSerializer(serializers.ModelSerializer):
    country = CountryCodeField(required=False, allow_blank=True)

    class Meta:
        model = FanProfile
        fields = ["safe_mode", "country", "region"]


class FanProfileReadSerializer(FanProfileSerializer):
    """A fan's profile as returned (every field present)."""

    class Meta(FanProfileSerializer.Meta):
        read_only_fields = FanProfileSerializer.Meta.fields


class CreatorProfileSerializer(serializers.ModelSerializer):
    handle = serializers.CharField(source="user.handle", read_only=True)
    country = CountryCodeField(required=False, allow_blank=True)

    class Meta:
        model = CreatorProfile
        fields = ["handle", "display_name", "bio", "is_adult", "country", "payout_ready"]
        read_only_fields = ["handle", "payout_ready"]


class MeSerializer(serializers.ModelSerializer):
    fan_profile = FanProfileSerializer(read_only=True, allow_null=True)
    creator_profile = CreatorProfileSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "handle", "role", "date_joined", "fan_profile", "creator_profile"]


class PublicCreatorSerializer(serializers.ModelSerializer):
    handle = serializers.CharField(source="user.handle", read_only=True)

    class Meta:
        model = CreatorProfile
        fields = ["handle", "display_name", "bio", "is_adult", "country"]


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "kind", "kind_label", "title", "url", "unread", "read_at", "created_at")
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(min_value=0)


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0, help_text="How many notifications this call marked read.")


class ChannelSerializer(serializers.Serializer):
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class NotificationPreferencesSerializer(serializers.Serializer):
    """One entry per notification kind; on update, the kinds left out keep their current channels."""

    new_post = ChannelSerializer(required=False)
    new_message = ChannelSerializer(required=False)
    request_update = ChannelSerializer(required=False)
    renewal_reminder = ChannelSerializer(required=False)
    payout_paid = ChannelSerializer(required=False)
    refund_update = ChannelSerializer(required=False)

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError({kind: ["Unknown notification kind."] for kind in unknown})
        if not attrs:
            raise serializers.ValidationError("Name at least one notification kind.")
        return attrs
