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
