"""Serializers for reports and appeals (the reporter sees their case's state, never other reporters)."""

from rest_framework import serializers

from moderation.models import Category, TargetKind


class ReportInput(serializers.Serializer):
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    target_id = serializers.CharField(max_length=64, help_text="Id of the thing; a profile by handle or id, "
                                                               "a media item by its public id.")
    category = serializers.ChoiceField(choices=Category.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportOutput(serializers.Serializer):
    id = serializers.UUIDField()
    target_kind = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class AppealInput(serializers.Serializer):
    statement = serializers.CharField(max_length=4000)


class AppealOutput(serializers.Serializer):
    action_id = serializers.UUIDField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
