from typing import Any

from django import forms

from common.countries import CountryCodeFormField
from common.country_names import COUNTRY_CHOICES
from common.errors import InvalidCredentials, RateLimited
from fansub.accounts.models import CreatorProfile, NotificationKind, Role
from fansub.accounts.services.accounts import log_in


def country_select() -> forms.Select:
    return forms.Select(choices=[("", "Choose a country"), *COUNTRY_CHOICES])


class SignupForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    handle = forms.CharField(max_length=30, help_text="Your public name on Fan-Sub: lowercase letters, digits, _.",
                             widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), min_length=10)
    role = forms.ChoiceField(choices=[(Role.FAN, "Fan"), (Role.CREATOR, "Creator")], widget=forms.RadioSelect,
                             initial=Role.FAN)
    country = CountryCodeFormField(required=False, widget=country_select(),
                                   help_text="Where you live: it decides taxes and the age check you need.")
    attests_adult = forms.BooleanField(required=False, label="I am 18 years of age or older.")


class LoginForm(forms.Form):
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)


class FanProfileForm(forms.Form):
    country = CountryCodeFormField(required=False, widget=country_select())
    region = forms.CharField(max_length=6, required=False, help_text="US state or Canadian province, e.g. US-CA.")
    safe_mode = forms.BooleanField(
        required=False, help_text="Hide adult content. Turning it off needs age verification.")


class CreatorProfileForm(forms.ModelForm):
    country = CountryCodeFormField(required=False, widget=country_select())

    class Meta:
        model = CreatorProfile
        fields = ["display_name", "bio", "category", "tags", "is_adult", "country"]
        help_texts = {"bio": "Links (https://…) in your bio become clickable."}


class ProfileImageForm(forms.Form):
    which = forms.ChoiceField(choices=[("avatar", "Profile picture"), ("banner", "Banner")], widget=forms.HiddenInput)
    image = forms.FileField(widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
                            help_text="JPEG, PNG, WebP or GIF up to 8 MB. Location and camera data are removed.")


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   min_length=10, help_text="At least 10 characters, not a common password.")


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label="New email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    current_password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                                       help_text="To confirm it is you.")


class NotificationPreferencesForm(forms.Form):
    """Two checkboxes per kind: ``<kind>__in_app`` and ``<kind>__email``."""

    def __init__(self, *args: Any, initial_channels: dict[str, tuple[bool, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            in_app, email = initial_channels[kind.value]
            self.fields[f"{kind.value}__in_app"] = forms.BooleanField(required=False, initial=in_app,
                                                                      label=f"{kind.label}: on the site")
            self.fields[f"{kind.value}__email"] = forms.BooleanField(required=False, initial=email,
                                                                     label=f"{kind.label}: by email")

    def choices(self) -> dict[str, dict[str, bool]]:
        return {kind.value: {"in_app": self.cleaned_data[f"{kind.value}__in_app"],
                             "email": self.cleaned_data[f"{kind.value}__email"]} for kind in NotificationKind}


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
