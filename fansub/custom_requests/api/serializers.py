"""Serializers for custom requests and the creator's request settings."""

from rest_framework import serializers

from common.api.fields import INT32_MAX, SMALLINT_MAX, BoundedIntegerField
from fansub.custom_requests.models import RequestType
from payments.api.fields import MoneyField, MoneySerializer


class SettingsInput(serializers.Serializer):
    enabled = serializers.BooleanField()
    min_prices = serializers.DictField(child=BoundedIntegerField(max_value=INT32_MAX),
                                       help_text="Minimum price in minor units per request kind.")
    turnaround_days = BoundedIntegerField(max_value=SMALLINT_MAX)
    slots = BoundedIntegerField(max_value=SMALLINT_MAX)
    prohibited_topics = serializers.ListField(child=serializers.CharField(max_length=60), default=list,
                                              max_length=100)


class SubmitInput(serializers.Serializer):
    creator = serializers.CharField(max_length=30)
    kind = serializers.ChoiceField(choices=RequestType.choices)
    description = serializers.CharField(max_length=4000)
    price = MoneyField()
    desired_by = serializers.DateField(required=False, allow_null=True, default=None)
    payment_method = serializers.CharField(max_length=100)


class ActionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["counter", "revise", "accept", "decline", "withdraw", "deliver",
                                              "approve", "dispute"])
    price = MoneyField(required=False, help_text="Required for counter and revise.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class RequestTermsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    currency = serializers.CharField()
    min_prices = serializers.DictField(child=MoneySerializer(), help_text="Minimum price per request kind.")
    turnaround_days = serializers.IntegerField()
    slots = serializers.IntegerField()


class RequestStepSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through the fields mapping below.
    to = serializers.CharField()
    price_minor = serializers.IntegerField()
    at = serializers.DateTimeField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": serializers.CharField(), **fields}


class CustomRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fan = serializers.CharField()
    creator = serializers.CharField()
    kind = serializers.ChoiceField(choices=RequestType.choices)
    description = serializers.CharField()
    price = MoneySerializer()
    status = serializers.CharField()
    desired_by = serializers.DateField(allow_null=True)
    respond_by = serializers.DateTimeField(allow_null=True)
    deliver_by = serializers.DateTimeField(allow_null=True)
    review_until = serializers.DateTimeField(allow_null=True)
    delivery_note = serializers.CharField(allow_null=True, help_text="Once delivered.")
    resolution = serializers.CharField(allow_null=True)
    refunded = MoneySerializer()
    steps = RequestStepSerializer(many=True)


class CustomRequestListSerializer(serializers.Serializer):
    results = CustomRequestSerializer(many=True)
