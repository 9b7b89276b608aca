from django.utils import timezone
from rest_framework import serializers

from governance.models import DataSubjectRequest, DsarKind, DsarStatus
from governance.services import export


class PrivacyRequestInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DsarKind.choices)
    password = serializers.CharField(write_only=True, max_length=256,
                                     help_text="The caller's current password: a fresh re-authentication.")
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                    help_text="What is inaccurate and what it should be (rectification).")


class PrivacyRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=DsarKind.choices)
    status = serializers.ChoiceField(choices=DsarStatus.choices)
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(source="effective_due_at", help_text="One calendar month after receipt, "
                                                                            "or the extended date.")
    extension_reason = serializers.CharField()
    refusal_reason = serializers.CharField()
    progress = serializers.IntegerField(help_text="Export progress, 0-100.")
    download_url = serializers.SerializerMethodField()
    export_expires_at = serializers.DateTimeField(allow_null=True)
    report = serializers.DictField(child=serializers.JSONField(),
                                   help_text="Erasure: erased, kept (legal basis, keep-until) and refused records.")

    def get_download_url(self, obj: DataSubjectRequest) -> str | None:
        if obj.export_key and obj.export_expires_at and obj.export_expires_at > timezone.now():
            return export.download_path(obj)
        return None
