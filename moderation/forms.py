"""Forms for the report pages (signed-in and public), the appeal page, and admin actions."""

from django import forms

from moderation.models import ActionKind, Category, TargetKind


class ReportForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices, label="What is wrong?")
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False,
                              label="Anything we should know (optional)")


class PublicReportForm(ReportForm):
    """For people without an account: they name the thing by its kind and id (or its page address)."""

    target_kind = forms.ChoiceField(choices=TargetKind.choices, label="What are you reporting?")
    target_id = forms.CharField(max_length=64, label="Its id (a profile's handle, a media item's id)")
    contact_email = forms.EmailField(required=False, label="Your email (optional: to hear the outcome)")
    field_order = ["target_kind", "target_id", "category", "details", "contact_email"]


class AppealForm(forms.Form):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), min_length=10, max_length=4000,
                                label="Why should we look again?")


class ActionForm(forms.Form):
    """The admin's decision on one report (or an account)."""

    kind = forms.ChoiceField(choices=ActionKind.choices, label="Action")
    rule = forms.ChoiceField(choices=[("", "— the report's category —"), *Category.choices], required=False,
                             label="Rule applied")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                             label="Reason (sent to the account as the statement of reasons)")
    suspend_days = forms.IntegerField(min_value=1, max_value=365, required=False, label="Suspension (days)")
