"""Forms for the report pages (signed-in and public), the appeal page, and admin actions.
"""

from django import forms

from moderation.models import ActionKind, Category, TargetKind
from moderation.models.dmca import COUNTER_NOTICE_ELEMENTS, NOTICE_ELEMENTS


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


NOTICE_LABELS = dict(NOTICE_ELEMENTS)
COUNTER_LABELS = dict(COUNTER_NOTICE_ELEMENTS)


class NoticeForm(forms.Form):
    """Every field optional here: the service names each missing statutory element at once."""

    signature = forms.CharField(required=False, max_length=200, label=NOTICE_LABELS["signature"],
                                help_text="Type your full name between slashes, e.g. /Jane Doe/.")
    copyrighted_work = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                       label=NOTICE_LABELS["copyrighted_work"])
    infringing_material = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                          label=NOTICE_LABELS["infringing_material"],
                                          help_text="The URLs of the material on this site (one per line).")
    contact_information = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                          label=NOTICE_LABELS["contact_information"],
                                          help_text="Address, telephone number and email address.")
    good_faith_statement = forms.BooleanField(
        required=False,
        label="512(c)(3)(A)(v): "
              "I have a good faith belief that use of the material in the manner complained of "
              "is not authorized by the copyright owner, its agent, or the law.")
    accuracy_statement = forms.BooleanField(
        required=False,
        label="512(c)(3)(A)(vi): "
              "The information in this notification is accurate, and under penalty of perjury, "
              "I am authorized to act on behalf of the owner of an exclusive right that is allegedly "
              "infringed.")


    completes = forms.UUIDField(required=False, label="Completes notice (the id we sent you, if any)")


class CounterNoticeForm(forms.Form):
    signature = forms.CharField(required=False, max_length=200, label=COUNTER_LABELS["signature"])
    removed_material = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                       label=COUNTER_LABELS["removed_material"])
    good_faith_statement = forms.BooleanField(
        required=False,
        label="512(g)(3)(C): "
              "I swear, under penalty of perjury, that I have a good faith belief that the material "
              "was removed or disabled as a result of mistake or misidentification.")
    name = forms.CharField(required=False, max_length=200, label=COUNTER_LABELS["name"])
    address = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                              label=COUNTER_LABELS["address"])
    phone = forms.CharField(required=False, max_length=40, label=COUNTER_LABELS["phone"])
    jurisdiction_consent = forms.BooleanField(
        required=False,
        label="512(g)(3)(D): "
              "I consent to the jurisdiction of the Federal District Court for the judicial district "
              "of my address (or, outside the US, any judicial district where the service provider "
              "may be found).")
    service_consent = forms.BooleanField(
        required=False,
        label="512(g)(3)(D): "
              "I will accept service of process from the person who provided the notice, or their "
              "agent.")


class TakedownForm(forms.Form):
    infringing_urls = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                      label="Where your content is posted without permission (one URL per line)")
    work_description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                       label="Which of your work it is")
    original = forms.UUIDField(required=False, label="Your original in the vault (its media id, optional)")
    leaked_copy = forms.ImageField(required=False, label="A copy of the leaked image (we look for our watermark)")


class HashImportForm(forms.Form):
    hashes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 10}),
                             help_text="One 64-hex-digit PDQ hash per line, optionally followed by ,label,source.")
    file = forms.FileField(required=False, help_text="Or a text file in the same format.")
