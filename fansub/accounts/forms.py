from typing import Any

from django import forms

from common.countries import CountryCodeFormField
from common.errors import InvalidCredentials, RateLimited
from fansub.accounts.models import CreatorProfile, Role
from fansub.accounts.services.accounts import log_in


class SignupForm(forms.Form):
    email = forms.EmailField()
    handle = forms.CharField(max_length=30, help_text="Your public name on Fan-Sub: lowercase letters, digits, _.")
    password = forms.CharField(widget=forms.PasswordInput, min_length=10)
    role = forms.ChoiceField(choices=[(Role.FAN, "Fan"), (Role.CREATOR, "Creator")], widget=forms.RadioSelect,
                             initial=Role.FAN)
    country = CountryCodeFormField(required=False, help_text="Two-letter country code, e.g. GB, US, DE.")
    attests_adult = forms.BooleanField(required=False, label="I am 18 years of age or older.")


class LoginForm(forms.Form):
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)


class FanProfileForm(forms.Form):
    country = CountryCodeFormField(required=False)
    region = forms.CharField(max_length=6, required=False, help_text="US state or Canadian province, e.g. US-CA.")
    safe_mode = forms.BooleanField(
        required=False, help_text="Hide adult content. Turning it off needs age verification.")


class CreatorProfileForm(forms.ModelForm):
    country = CountryCodeFormField(required=False, help_text="Two-letter country code, e.g. GB, US, DE.")

    class Meta:
        model = CreatorProfile
        fields = ["display_name", "bio", "is_adult", "country"]


STAFF_LOGIN_FAILED = ("Please enter the correct email, password and authenticator code of a staff account. "
                      "Note that the fields may be case-sensitive.")


class StaffAdminLoginForm(forms.Form):
    """The admin's one-round log-in: email, password and a one-time code together.

    The code is tried against every confirmed device of the account (authenticator or backup token), so there
    is no device-selection step. Throttled like the site's log-in, and every failure (wrong password, wrong or
    missing code, no device, not staff, inactive) shows the one ``STAFF_LOGIN_FAILED`` message.
    Built for Django's LoginView: ``form_class(request, data=...)``, ``get_user()``.
    """

    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True,
                                                                              "autocomplete": "username"}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label="Authenticator code or backup token", required=False, max_length=16,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user_cache = log_in(self.request, data["username"], data["password"], surface="admin",
                                     otp_token=data.get("otp_token") or "", staff_only=True)
        except RateLimited as error:
            raise forms.ValidationError(error.message, code="throttled") from error
        except InvalidCredentials as error:
            raise forms.ValidationError(STAFF_LOGIN_FAILED, code="invalid_login") from error
        return data

    def get_user(self) -> Any:
        return self.user_cache

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(STAFF_LOGIN_FAILED, code="invalid_login")
