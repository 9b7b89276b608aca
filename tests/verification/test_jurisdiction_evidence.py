"""Issue 10, gate 2: the age rule comes from evidence, and a changed declaration never lowers the bar."""

import pytest

from fansub.accounts.models import FanProfile, User
from fansub.accounts.services import accounts
from fansub.verification.models import AgeCheck
from fansub.verification.policy import can_view_adult
from fansub.verification.services import age_assurance
from tests.factories import make_fan
from tests.verification.support import signed

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _pass(fan, method="photo_id_match"):
    started = age_assurance.start_check(fan, method)
    body, signature = signed(started.check.provider_reference, "passed", method)
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    return AgeCheck.objects.get(pk=started.check.pk)


def test_unverified_gb_fan_patching_to_us_ca_gets_no_adult_content(api_client):
    fan = make_fan(country="GB")
    api_client.force_authenticate(fan)
    r = api_client.patch("/api/v1/me/profile/", {"country": "US", "region": "US-CA", "safe_mode": False},
                         format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "AGE_VERIFICATION_REQUIRED"
    # Two steps do not help either: the GB declaration keeps binding until a check meets its rule.
    moved = api_client.patch("/api/v1/me/profile/", {"country": "US", "region": "US-CA"}, format="json")
    assert moved.status_code == 200
    r = api_client.patch("/api/v1/me/profile/", {"safe_mode": False}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "AGE_VERIFICATION_REQUIRED"
    assert FanProfile.objects.get(user=fan).safe_mode is True and not can_view_adult(_fresh(fan))
    # A check that meets the GB rule lifts it.
    _pass(fan, "photo_id_match")
    assert FanProfile.objects.get(user=fan).age_jurisdictions_seen == []
    accounts.update_fan_profile(fan, safe_mode=False)
    assert can_view_adult(_fresh(fan))


def test_check_method_must_meet_every_binding_jurisdiction():
    fan = make_fan(country="GB")
    accounts.update_fan_profile(fan, country="US", region="US-CA")
    # US-CA alone would take any method; GB still binds, so only methods GB accepts count.
    rule = age_assurance.rule_for_user(fan)
    assert rule.requires_assurance and "facial_age_estimation" in rule.methods
    fan_de = make_fan(country="DE")
    accounts.update_fan_profile(fan_de, country="GB")
    with pytest.raises(Exception) as refused:
        age_assurance.start_check(fan_de, "facial_age_estimation")  # Germany does not accept it
    assert refused.value.code == "AGE_METHOD_NOT_ACCEPTED"


def test_request_country_from_trusted_header_binds_the_age_rule(client, settings):
    settings.AGE_COUNTRY_HEADER = "CF-IPCountry"
    fan = make_fan(country="US", region="US-CA")
    assert age_assurance.has_valid_age_assurance(fan)
    client.force_login(fan)
    client.get("/", HTTP_CF_IPCOUNTRY="GB")
    assert FanProfile.objects.get(user=fan).age_jurisdictions_seen == ["GB"]
    assert not age_assurance.has_valid_age_assurance(_fresh(fan)) and not can_view_adult(_fresh(fan))


def test_request_country_header_is_ignored_unless_configured(client, settings):
    settings.AGE_COUNTRY_HEADER = ""
    fan = make_fan(country="US", region="US-CA")
    client.force_login(fan)
    client.get("/", HTTP_CF_IPCOUNTRY="GB")
    assert FanProfile.objects.get(user=fan).age_jurisdictions_seen == []


def test_request_country_rule_holds_for_api_token_requests(api_client, settings):
    """Issue 10, gate 3: the strictest of declared and request country binds API-token clients too."""
    from rest_framework.authtoken.models import Token

    settings.AGE_COUNTRY_HEADER = "CF-IPCountry"
    fan = make_fan(country="US", region="US-CA")
    assert age_assurance.has_valid_age_assurance(fan)
    token = Token.objects.create(user=fan)
    r = api_client.get("/api/v1/verifications/", HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_CF_IPCOUNTRY="GB")
    assert r.status_code == 200
    assert FanProfile.objects.get(user=fan).age_jurisdictions_seen == ["GB"]
    assert r.json()["age_assurance_met"] is False
    assert not can_view_adult(_fresh(fan))


def test_request_country_from_an_unknown_token_records_nothing(api_client, settings):
    settings.AGE_COUNTRY_HEADER = "CF-IPCountry"
    fan = make_fan(country="US", region="US-CA")
    r = api_client.get("/api/v1/verifications/", HTTP_AUTHORIZATION="Token not-a-real-token",
                       HTTP_CF_IPCOUNTRY="GB")
    assert r.status_code == 401
    assert FanProfile.objects.get(user=fan).age_jurisdictions_seen == []
