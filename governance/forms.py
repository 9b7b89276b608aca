from django import forms


class OtpTokenForm(forms.Form):
    token = forms.CharField(max_length=8, label="Code from your authenticator app",
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What would you like?", choices=[
        ("access", "A copy of my data (access)"),
        ("portability", "My data in a machine-readable file (portability)"),
        ("rectification", "Correct something that is wrong (rectification)"),
    ])
    details = forms.CharField(label="What should be corrected? (rectification only)", required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    password = forms.CharField(label="Your current password", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}), help_text="We ask again to be sure it is you.")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label="Your current password", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label="I understand my account and personal data will be erased; records the "
                                       "law makes Fan-Sub keep are listed in the report.")


class DsarOnBehalfForm(forms.Form):
    subject = forms.CharField(label="Person (email or handle)", max_length=254)
    kind = forms.ChoiceField(choices=[("access", "Access"), ("portability", "Portability"), ("erasure", "Erasure"),
                                      ("rectification", "Rectification")])
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Rectification: what is wrong and what it should be.")
    identity_evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text="How you verified it is them (leave empty to verify later).")


class DsarActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm_identity", "Record identity verification"),
                                        ("extend", "Extend (1 or 2 months; notifies the person)"),
                                        ("refuse", "Refuse (notifies the person with the right to complain)"),
                                        ("complete_rectification", "Complete rectification")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Evidence, reason for extension or refusal, or what was corrected.")
    months = forms.TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int, required=False)


class LegalHoldForm(forms.Form):
    name = forms.CharField(max_length=120, label="Matter")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    subject = forms.CharField(required=False, label="Person (email or handle)", max_length=254)
    model_labels = forms.CharField(required=False, help_text="Comma-separated, e.g. messaging.Message; empty: all.")
    object_ids = forms.CharField(required=False, help_text="Comma-separated primary keys (one model only).")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
