"""Serializers for reports and appeals (the reporter sees their case's state, never other reporters).
"""

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


class NoticeSerializer(serializers.Serializer):
    """One field per element of 17 U.S.C. 512(c)(3)(A)(i)-(vi). All optional here: the service names every
    missing element in one 422 (DMCA_NOTICE_INCOMPLETE)."""

    signature = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                      help_text="(i) Physical or electronic signature (e.g. /Full Name/).")
    copyrighted_work = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="",
                                             help_text="(ii) Identification of the copyrighted work.")
    infringing_material = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, default="",
        help_text="(iii) The infringing material and where it is here: its URLs (/media/<id>/ or /p/<id>/).")
    contact_information = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="",
                                                help_text="(iv) Your address, telephone number and email.")
    good_faith_statement = serializers.BooleanField(
        required=False, default=False,
        help_text="(v) Good-faith belief that the use is not authorized by the owner, its agent, or the law.")
    accuracy_statement = serializers.BooleanField(
        required=False, default=False,
        help_text="(vi) The notice is accurate and, under penalty of perjury, you are authorized to act.")
    completes = serializers.UUIDField(required=False, allow_null=True, default=None,
                                      help_text="The id of an incomplete notice this submission completes.")


class NoticeResultSerializer(serializers.Serializer):
    notice_id = serializers.UUIDField()
    status = serializers.CharField()
    items = serializers.IntegerField(help_text="Media items disabled under this notice.")


class NoticesCreatedSerializer(serializers.Serializer):
    notices = NoticeResultSerializer(many=True, help_text="One notice per account whose material was named.")


class CounterNoticeSerializer(serializers.Serializer):
    """17 U.S.C. 512(g)(3)(A)-(D), one field each (name, address, phone and the two consents of (D) apart)."""

    signature = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    removed_material = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="",
                                             help_text="The removed material and where it was before removal.")
    good_faith_statement = serializers.BooleanField(
        required=False, default=False,
        help_text="Under penalty of perjury: removed by mistake or misidentification.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    jurisdiction_consent = serializers.BooleanField(required=False, default=False,
                                                    help_text="Consent to the Federal District Court's jurisdiction.")
    service_consent = serializers.BooleanField(required=False, default=False,
                                               help_text="Will accept service of process from the complainant.")


class CounterNoticeResultSerializer(serializers.Serializer):
    counter_notice_id = serializers.UUIDField()
    notice_id = serializers.UUIDField()
    forwarded_at = serializers.DateTimeField()
    restore_from = serializers.DateField(help_text="The 10th business day after receipt.")
    restore_by = serializers.DateField(help_text="The 14th business day after receipt.")


class SuitResultSerializer(serializers.Serializer):
    notice_id = serializers.UUIDField()
    status = serializers.CharField()


class StrikeAppealSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class StrikeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    appealed_at = serializers.DateTimeField(allow_null=True)
    reversed_at = serializers.DateTimeField(allow_null=True)


class PolicySerializer(serializers.Serializer):
    threshold = serializers.IntegerField(help_text="Active strikes at which an account is terminated.")
    expiry_days = serializers.IntegerField()
    appeal_window_days = serializers.IntegerField()
    restore_from = serializers.IntegerField(help_text="Business day after a counter-notice when restoring starts.")
    restore_by = serializers.IntegerField()
