from django import forms

from fansub.accounts.models import CreatorProfile, Role


class SignupForm(forms.Form):
    email = forms.EmailField()
    handle = forms.CharField(max_length=30, help_text="Your public name on Fan-Sub: lowercase letters, digits, _.")
    password = forms.CharField(widget=forms.PasswordInput, min_length=10)
    role = forms.ChoiceField(choices=[(Role.FAN, "Fan"), (Role.CREATOR, "Creator")], widget=forms.RadioSelect,
                             initial=Role.FAN)
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter country code, e.g. GB, US, DE.")
    attests_adult = forms.BooleanField(required=False, label="I am 18 years of age or older.")


class LoginForm(forms.Form):
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)


class FanProfileForm(forms.Form):
    country = forms.CharField(max_length=2, required=False)
    region = forms.CharField(max_length=6, required=False, help_text="US state or Canadian province, e.g. US-CA.")
    safe_mode = forms.BooleanField(
        required=False, help_text="Hide adult content. Turning it off needs age verification.")


class CreatorProfileForm(forms.ModelForm):
    class Meta:
        model = CreatorProfile
        fields = ["display_name", "bio", "is_adult", "country"]
