from django import forms

from common.countries import CountryCodeFormField
from fansub.verification.models import IdDocumentType


class AgeMethodForm(forms.Form):
    method = forms.ChoiceField(widget=forms.RadioSelect, label="How would you like to prove your age?")

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = choices


class IdentityForm(forms.Form):
    legal_name = forms.CharField(max_length=200, help_text="Exactly as printed on your ID.")
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    aliases = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Every alias and stage name", help_text="One per line, including names you used in the past.")
    id_document_type = forms.ChoiceField(choices=IdDocumentType.choices, label="ID document")
    id_document_country = CountryCodeFormField(label="Issuing country", help_text="Two letters, e.g. US.")
    id_document_expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                             label="Document expiry date")
    id_image = forms.FileField(label="Photo of your ID", help_text="JPEG, PNG or WebP. Stored encrypted.",
                               widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    selfie = forms.FileField(label="Selfie", help_text="A clear photo of your face, for matching with the ID.",
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))


class ElectronicReleaseForm(forms.Form):
    """A co-performer signs their release: consent to electronic records and a typed signature. The hash of the
    text they were shown travels with the form, so a signature always covers the exact text read."""

    consent = forms.BooleanField(
        required=True, label="I agree to sign this release electronically and to keep it as an electronic record.")
    signature_name = forms.CharField(max_length=200, label="Type your full name as your signature")
    text_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
