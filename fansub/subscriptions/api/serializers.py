"""Serializers for subscribing, trials, promotions and the creator's subscribers."""

from rest_framework import serializers

from common.api.fields import INT32_MAX, SMALLINT_MAX, BoundedIntegerField, CountryCodeField, IdField
from payments.api.fields import MoneyField, MoneySerializer


class SubscribeInput(serializers.Serializer):
    tier_id = IdField()
    months = serializers.ChoiceField(choices=[1, 3, 6, 12], default=1)
    promotion_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    payment_method = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    confirmed_country = CountryCodeField(required=False, allow_blank=True, default="",
                                         help_text="After TAX_LOCATION_CONFLICT: the country the fan lives in.")


class ChangeTierInput(serializers.Serializer):
    tier_id = IdField()
    payment_method = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class PaymentMethodInput(serializers.Serializer):
    payment_method = serializers.CharField(max_length=100)


class TrialClaimInput(serializers.Serializer):
    continue_after_trial = serializers.BooleanField(default=False)
    payment_method = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class SubscribersQuery(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, default=None, max_length=20,
                                   help_text="current (default), trialing, past_due or expired.")


class TrialLinkInput(serializers.Serializer):
    tier_id = IdField()
    days = BoundedIntegerField(max_value=SMALLINT_MAX)
    max_claims = BoundedIntegerField(max_value=INT32_MAX)
    expires_at = serializers.DateTimeField()


class PromotionInput(serializers.Serializer):
    tier_id = IdField()
    kind = serializers.ChoiceField(choices=["percent_off", "fixed_price"])
    percent_off = BoundedIntegerField(required=False, allow_null=True, default=None, max_value=SMALLINT_MAX)
    fixed_price = MoneyField(required=False, allow_null=True, default=None)
    for_new = serializers.BooleanField(default=True)
    for_expired = serializers.BooleanField(default=False)
    periods = BoundedIntegerField(default=1, max_value=SMALLINT_MAX)
    max_claims = BoundedIntegerField(max_value=INT32_MAX)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    creator = serializers.CharField()
    tier_id = serializers.IntegerField()
    tier_name = serializers.CharField()
    status = serializers.CharField()
    billing_months = serializers.IntegerField()
    renews = serializers.BooleanField()
    current_period_start = serializers.DateTimeField()
    current_period_end = serializers.DateTimeField()
    grace_until = serializers.DateTimeField(allow_null=True)
    next_retry_at = serializers.DateTimeField(allow_null=True)
    pending_tier_id = serializers.IntegerField(allow_null=True)
    cancel_effective_at = serializers.DateTimeField(allow_null=True)


class SubscriptionListSerializer(serializers.Serializer):
    results = SubscriptionSerializer(many=True)


class RequiresActionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["requires_action"])
    checkout_id = serializers.IntegerField(required=False, help_text="Subscribe only: the checkout to confirm.")
    client_action = serializers.DictField(allow_null=True, help_text="What the client must do (3-D Secure).")


class QuoteSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField()
    months = serializers.IntegerField()
    first_period = MoneySerializer()
    recurring = MoneySerializer()
    promotion_applied = serializers.BooleanField()
    net = MoneySerializer(allow_null=True)
    tax = MoneySerializer(allow_null=True)
    total = MoneySerializer()
    tax_rate = serializers.CharField(allow_null=True)
    jurisdiction = serializers.CharField(allow_null=True)


class SubscriberSerializer(SubscriptionSerializer):
    fan = serializers.CharField()


class TierRevenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField()
    monthly_revenue = MoneySerializer()


class SubscribersSerializer(serializers.Serializer):
    status = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    results = SubscriberSerializer(many=True)
    tiers = TierRevenueSerializer(many=True)


class TrialLinkSerializer(serializers.Serializer):
    code = serializers.CharField()
    tier_id = serializers.IntegerField()
    days = serializers.IntegerField()
    max_claims = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class PromotionSerializer(serializers.Serializer):
    code = serializers.CharField()
    tier_id = serializers.IntegerField()
    kind = serializers.CharField()
    periods = serializers.IntegerField()
