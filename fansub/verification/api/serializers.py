from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import CountryCodeField
from fansub.verification.age_rules import AgeMethod
from fansub.verification.models import AgeCheck, IdDocumentType, IdentityVerification


class AgeCheckStartSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=AgeMethod.choices)


class AgeCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgeCheck
        fields = ["id", "provider", "method", "jurisdiction", "status", "started_at", "decided_at", "expires_at"]


class AgeCheckStartedSerializer(AgeCheckSerializer):
    redirect_url = serializers.CharField()

    class Meta(AgeCheckSerializer.Meta):
        fields = [*AgeCheckSerializer.Meta.fields, "redirect_url"]


class IdentitySubmitSerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    aliases = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Every alias and stage name, comma- or newline-separated.")
    id_document_type = serializers.ChoiceField(choices=IdDocumentType.choices)
    id_document_country = CountryCodeField()
    id_document_expires_on = serializers.DateField()
    # Checked as images by content (Pillow) in the service, not by name or declared type.
    id_image = serializers.FileField()
    selfie = serializers.FileField()


class IdentityVerificationSerializer(serializers.ModelSerializer):
    """The creator's own view: state only, never the record's contents."""

    class Meta:
        model = IdentityVerification
        fields = ["id", "provider", "status", "submitted_at", "decided_at", "decision_reason", "valid_until"]


class AgeRuleSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    requires_assurance = serializers.BooleanField()
    methods = serializers.ListField(child=serializers.CharField())
    validity_days = serializers.IntegerField()


class VerificationStatusSerializer(serializers.Serializer):
    role = serializers.CharField()
    age_assurance_met = serializers.BooleanField(allow_null=True)
    age_rule = AgeRuleSerializer(allow_null=True)
    latest_age_check = AgeCheckSerializer(allow_null=True)
    identity_verified = serializers.BooleanField(allow_null=True)
    identity_verification = IdentityVerificationSerializer(allow_null=True)


@extend_schema_field({"type": "string", "nullable": True, "maxLength": 0, "description": "Always null."})
class NullField(serializers.Field):
    def to_representation(self, value: Any) -> None:
        return None


class NoIdentityVerificationSerializer(serializers.Serializer):
    """Returned while the creator has never submitted identity documents."""

    status = NullField()


class AgeWebhookOutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["processed", "duplicate"])
