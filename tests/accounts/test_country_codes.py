"""Issue 10: junk country codes (ZZ, <SVG>, XK, lower-case markup) are refused with VALIDATION_ERROR on every
country field — sign-up, fan and creator profiles (API, pages and services), identity documents and tax
confirmations — while assigned ISO 3166-1 alpha-2 codes are accepted (case-insensitively)."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from common.api.fields import CountryCodeField
from common.countries import ISO_3166_1_ALPHA_2, CountryCodeFormField
from common.errors import ValidationFailed
from fansub.accounts.models import CreatorProfile, FanProfile, User
from fansub.accounts.services import accounts
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db

JUNK = ["ZZ", "<SVG>", "<s", "XK", "AA", "QM", "12", "G", "GBR", "\u00c9U"]
SIGNUP = {"email": "Country.Fan@Example.test", "handle": "country_fan", "password": "a-long-passphrase-1",
          "role": "fan", "attests_adult": True}


def _refused(response, field="country"):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and field in error["details"], error
    return error


def test_the_list_holds_the_assigned_codes_only():
    assert len(ISO_3166_1_ALPHA_2) == 249
    assert {"GB", "US", "DE", "FR", "SS", "BQ", "AX"} <= ISO_3166_1_ALPHA_2
    assert not {"ZZ", "XK", "AA", "UK", "EU", "QZ", "AN", "YU"} & ISO_3166_1_ALPHA_2


@pytest.mark.parametrize("junk", JUNK)
def test_junk_country_code_refused_on_fan_profile_api(api_client, junk):
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    _refused(api_client.patch("/api/v1/me/profile/", {"country": junk}, format="json"))
    assert FanProfile.objects.get(user=fan).country == "GB"


@pytest.mark.parametrize("junk", ["ZZ", "<SVG>", "XK"])
def test_junk_country_code_refused_on_creator_profile_api(api_client, junk):
    creator = make_creator(country="US")
    api_client.force_authenticate(creator)
    _refused(api_client.patch("/api/v1/me/profile/", {"country": junk}, format="json"))
    assert CreatorProfile.objects.get(user=creator).country == "US"


@pytest.mark.parametrize("junk", ["ZZ", "<SVG>"])
def test_junk_country_code_refused_on_signup_api(api_client, junk):
    _refused(api_client.post("/api/v1/auth/signup/", {**SIGNUP, "country": junk}, format="json"))
    assert not User.objects.filter(handle="country_fan").exists()


def test_assigned_country_codes_accepted_in_any_case(api_client):
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    for code, stored in (("de", "DE"), ("US", "US"), (" fr ", "FR"), ("", "")):
        response = api_client.patch("/api/v1/me/profile/", {"country": code}, format="json")
        assert response.status_code == 200 and response.json()["country"] == stored
    creator = make_creator(country="US")
    api_client.force_authenticate(creator)
    response = api_client.patch("/api/v1/me/profile/", {"country": "nz"}, format="json")
    assert response.status_code == 200 and response.json()["country"] == "NZ"
    response = api_client.post("/api/v1/auth/signup/", {**SIGNUP, "country": "ie"}, format="json")
    assert response.status_code == 201
    assert FanProfile.objects.get(user__handle="country_fan").country == "IE"


def test_junk_country_code_refused_on_profile_page(client):
    fan = make_fan(country="GB")
    client.force_login(fan)
    response = client.post("/account/profile/", {"country": "ZZ", "region": "", "safe_mode": "on"})
    assert response.status_code == 200 and "ISO 3166-1" in response.content.decode()
    assert FanProfile.objects.get(user=fan).country == "GB"
    response = client.post("/account/profile/", {"country": "fr", "region": "", "safe_mode": "on"})
    assert response.status_code == 302
    assert FanProfile.objects.get(user=fan).country == "FR"


def test_junk_country_code_refused_on_signup_page(client):
    response = client.post("/signup/", {**SIGNUP, "attests_adult": "on", "country": "<SVG>"})
    assert response.status_code == 200 and not User.objects.filter(handle="country_fan").exists()


@pytest.mark.parametrize("junk", ["ZZ", "<SVG>", 7])
def test_junk_country_code_refused_by_the_services(junk):
    fan = make_fan(country="GB")
    with pytest.raises(ValidationFailed) as refused:
        accounts.update_fan_profile(fan, country=junk)
    assert "country" in refused.value.details
    creator = make_creator(country="US")
    with pytest.raises(ValidationFailed):
        accounts.update_creator_profile(creator, {"country": junk})
    assert accounts.update_fan_profile(fan, country="ca").country == "CA"
    assert accounts.update_creator_profile(creator, {"country": "JP"}).country == "JP"


def test_country_fields_refuse_junk_and_accept_codes():
    from rest_framework import serializers

    class Body(serializers.Serializer):
        country = CountryCodeField()

    ok = Body(data={"country": "gb"})
    assert ok.is_valid() and ok.validated_data["country"] == "GB"
    for junk in ("ZZ", "<SVG>", ""):
        assert not Body(data={"country": junk}).is_valid()
    field = CountryCodeFormField(required=False)
    assert field.clean("se") == "SE" and field.clean("") == ""
    with pytest.raises(DjangoValidationError, match="ISO 3166-1"):
        field.clean("ZZ")
