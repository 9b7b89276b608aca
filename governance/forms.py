from django import forms


class OtpTokenForm(forms.Form):
    token = forms.CharField(max_length=8, label="Code from your authenticator app",
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
