from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fansub.accounts.models import User
from fansub.media import selectors
from fansub.media.models import MediaItem, MediaState
from fansub.media.services import access


class MediaItemSerializer(serializers.ModelSerializer):
    format = serializers.CharField(source="source_format", read_only=True)
    urls = serializers.SerializerMethodField()
    original_name = serializers.SerializerMethodField()

    class Meta:
        model = MediaItem
        fields = ("public_id", "kind", "state", "is_adult", "format", "original_name", "size_bytes", "width",
                  "height", "duration_ms", "failure_code", "created_at", "processed_at", "urls")
        read_only_fields = fields

    def to_representation(self, item: MediaItem) -> dict:
        data = super().to_representation(item)
        if (item.state == MediaState.QUARANTINED and item.failure_code
                and not access.is_staff(self._viewer())):  # screened out: a generic failure, never why
            data["state"] = MediaState.FAILED.value
        return data

    def _viewer(self) -> User | AnonymousUser | None:
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text="Per rendition kind, a URL this caller may load, or null when not for them."))
    def get_urls(self, item: MediaItem) -> dict[str, str | None]:
        return selectors.rendition_urls(self._viewer(), item)

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Only for the owner."))
    def get_original_name(self, item: MediaItem) -> str | None:
        return item.original_name if access.is_owner(self._viewer(), item) else None


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    is_adult = serializers.BooleanField(required=False, allow_null=True, default=None)


class DirectUploadRequestSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    content_type = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    is_adult = serializers.BooleanField(required=False, allow_null=True, default=None)


class DirectUploadSerializer(serializers.Serializer):
    ticket = serializers.UUIDField()
    url = serializers.URLField()
    fields = serializers.DictField(child=serializers.CharField())
    expires_at = serializers.DateTimeField()


class MediaUploadedSerializer(MediaItemSerializer):
    reused = serializers.BooleanField(help_text="True (and status 200) when the same file was already in the vault.")

    class Meta(MediaItemSerializer.Meta):
        fields = (*MediaItemSerializer.Meta.fields, "reused")
        read_only_fields = fields


class VaultQuery(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    use = serializers.CharField(required=False, allow_blank=True, default="", max_length=20,
                                help_text='post, message, request, or "unused".')
    state = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
