"""Serializers for tips and pay-per-view unlocks."""

from rest_framework import serializers

from common.api.fields import CountryCodeField, IdField
from payments.api.fields import MoneyField, MoneySerializer


class TipInput(serializers.Serializer):
    creator = serializers.CharField(max_length=30)
    amount = MoneyField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    anonymous = serializers.BooleanField(default=False)
    post_id = IdField(required=False, allow_null=True, default=None)
    thread_id = IdField(required=False, allow_null=True, default=None)
    payment_method = serializers.CharField(max_length=100)
    confirmed_country = CountryCodeField(required=False, allow_blank=True, default="",
                                         help_text="After TAX_LOCATION_CONFLICT: the country the fan lives in.")


class UnlockInput(serializers.Serializer):
    payment_method = serializers.CharField(max_length=100)


class PaidMessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    price = MoneyField()
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class TipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="succeeded (201), or requires_action (202) with client_action.")
    amount = MoneySerializer()
    client_action = serializers.DictField(allow_null=True, help_text="What the client must do (3-D Secure).")


class PostUnlockedSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    unlocked_at = serializers.DateTimeField()


class MessageUnlockedSerializer(serializers.Serializer):
    message_id = serializers.IntegerField()
    unlocked_at = serializers.DateTimeField()


class PaidMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    price = MoneySerializer()


class UnsendSerializer(serializers.Serializer):
    withdrawn = serializers.IntegerField(help_text="How many copies were withdrawn (unbought ones only).")


class VaultItemStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField(help_text="not_sent, or what this fan was already sent or bought.")


class VaultStatusSerializer(serializers.Serializer):
    fan = serializers.CharField()
    results = VaultItemStatusSerializer(many=True)
