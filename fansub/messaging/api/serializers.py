"""Serializers for direct and mass messages."""

from rest_framework import serializers

from common.api.fields import IdField, id_list
from fansub.messaging import segments
from payments.api.fields import MoneyField, MoneySerializer


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class ThreadMessagesQuery(serializers.Serializer):
    before = IdField(required=False, allow_null=True, default=None,
                     help_text="A message id: return the page of messages older than it.")


class MassMessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    segment = serializers.ChoiceField(choices=segments.SEGMENTS)
    tier_ids = id_list(default=list)
    price = MoneyField(required=False, allow_null=True, default=None)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class SegmentCountsQuery(serializers.Serializer):
    tier_ids = id_list(required=False, default=list, help_text="Repeat the parameter for several tiers.")


class MessagePolicyInput(serializers.Serializer):
    policy = serializers.ChoiceField(choices=["anyone", "followers", "subscribers"])


class ThreadSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # "with" is a Python keyword: declared through get_fields.
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"id": fields.pop("id"), "with": serializers.CharField(help_text="The other side's handle."),
                **fields}


class ThreadListSerializer(serializers.Serializer):
    results = ThreadSummarySerializer(many=True)


class MessageMediaSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True, help_text="Blurred while the message is locked.")
    final_url = serializers.CharField(allow_null=True, help_text="The sender, and a fan who may read the message "
                                                                 "(bought, when it is priced).")
    poster_url = serializers.CharField(allow_null=True, help_text="A video's poster frame, with the final.")
    stream_url = serializers.CharField(
        allow_null=True, required=False,
        help_text="A video's HLS playlist for this viewer (per-viewer marked segments); replaces final_url for "
                  "everyone but the owner.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True, help_text="Videos only.")


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.CharField()
    text = serializers.CharField(allow_null=True, help_text="None while the message is locked (unpaid).")
    locked = serializers.BooleanField()
    adult_hidden = serializers.BooleanField(help_text="Adult message withheld: the viewer may not view adult material "
                                                      "(text is None).")
    price = MoneySerializer(allow_null=True)
    tip_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    mass = serializers.BooleanField()
    media = MessageMediaSerializer(many=True, help_text="Attached photos and videos (none while adult-hidden).")


class StartedThreadMessageSerializer(MessageSerializer):
    thread_id = serializers.IntegerField()


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    before = serializers.IntegerField(allow_null=True, help_text="Pass as ?before= for the older page.")


class SegmentCountsSerializer(serializers.Serializer):
    segment_counts = serializers.DictField(child=serializers.IntegerField(),
                                           help_text="Fans per segment: " + ", ".join(segments.SEGMENTS) + ".")


class MassMessageQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    recipients_total = serializers.IntegerField()
    delivered_count = serializers.IntegerField()
    skipped_already_offered = serializers.IntegerField()
