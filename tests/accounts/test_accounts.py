import pytest
from django.core import mail

from fansub.accounts.models import CreatorProfile, FanProfile, User
from fansub.accounts.services import accounts
from telemetry.models import OutboxEvent
from tests.factories import PASSWORD, make_creator, make_fan

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "New.Fan@Example.test", "handle": "new_fan", "password": "a-long-passphrase-1",
          "role": "fan", "attests_adult": True, "country": "gb"}


def test_signup_page_creates_fan_and_logs_in(client):
    response = client.post("/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(handle="new_fan")
    assert user.email == "new.fan@example.test" and user.role == "fan"
    assert FanProfile.objects.get(user=user).safe_mode is True
    assert FanProfile.objects.get(user=user).country == "GB"
    assert client.get("/account/profile/").status_code == 200
    assert OutboxEvent.objects.filter(event_type="account.signed_up").count() == 1


def test_minor_is_refused_and_nothing_is_kept(client):
    response = client.post("/signup/", {**SIGNUP, "attests_adult": ""})
    assert response.status_code == 200
    assert "18 or older" in response.content.decode()
    assert User.objects.count() == 0 and OutboxEvent.objects.filter(event_type="account.signed_up").count() == 0


def test_signup_api_refuses_minor_with_stable_code(api_client):
    response = api_client.post("/api/v1/auth/signup/", {**SIGNUP, "attests_adult": False}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "AGE_ATTESTATION_REQUIRED"
    assert User.objects.count() == 0


def test_signup_api_field_errors_in_shared_body(api_client):
    make_fan(handle="taken_one")
    response = api_client.post("/api/v1/auth/signup/", {**SIGNUP, "handle": "Taken_One", "password": "short"},
                               format="json")
    body = response.json()["error"]
    assert response.status_code == 400 and body["code"] == "VALIDATION_ERROR"
    assert "handle" in body["details"] and "password" in body["details"]


def test_signup_creator_gets_creator_profile(api_client):
    response = api_client.post("/api/v1/auth/signup/", {**SIGNUP, "role": "creator", "display_name": "Nova"},
                               format="json")
    assert response.status_code == 201
    assert CreatorProfile.objects.get(user__handle="new_fan").display_name == "Nova"


def test_reserved_handle_refused():
    with pytest.raises(accounts.ValidationFailed):
        accounts.sign_up(accounts.SignupData(**{**SIGNUP, "handle": "admin"}))


def test_token_login_and_me(api_client):
    fan = make_fan()
    response = api_client.post("/api/v1/auth/token/", {"email": fan.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api_client.get("/api/v1/me/").json()
    assert me["handle"] == fan.handle and me["fan_profile"]["safe_mode"] is True


def test_wrong_password_is_refused_then_throttled(api_client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    fan = make_fan()
    for _ in range(3):
        r = api_client.post("/api/v1/auth/token/", {"email": fan.email, "password": "nope"}, format="json")
        assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_CREDENTIALS"
    r = api_client.post("/api/v1/auth/token/", {"email": fan.email, "password": PASSWORD}, format="json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED"


def test_login_page_errors_and_success(client):
    fan = make_fan()
    bad = client.post("/login/", {"email": fan.email, "password": "wrong"})
    assert "incorrect" in bad.content.decode()
    good = client.post("/login/?next=/creators/", {"email": fan.email, "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/creators/"
    evil = client.post("/login/?next=https://evil.example/", {"email": fan.email, "password": PASSWORD})
    assert evil["Location"] == "/"


def test_logout_requires_post(client):
    fan = make_fan()
    client.force_login(fan)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302


def test_password_reset_sends_email_to_console_backend(client):
    fan = make_fan()
    client.post("/account/password-reset/", {"email": fan.email})
    assert len(mail.outbox) == 1 and fan.handle in mail.outbox[0].body


def test_fan_cannot_leave_safe_mode_without_age_assurance(api_client):
    fan = make_fan()
    api_client.force_authenticate(fan)
    r = api_client.patch("/api/v1/me/profile/", {"safe_mode": False}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "AGE_VERIFICATION_REQUIRED"
    r = api_client.patch("/api/v1/me/profile/", {"country": "fr"}, format="json")
    assert r.status_code == 200 and r.json()["country"] == "FR"


def test_creator_edits_profile(api_client):
    creator = make_creator()
    api_client.force_authenticate(creator)
    r = api_client.patch("/api/v1/me/profile/", {"bio": "Hello", "payout_ready": True}, format="json")
    assert r.status_code == 200 and r.json()["bio"] == "Hello" and r.json()["payout_ready"] is False


def test_unverified_and_anonymous_never_see_adult_creators(client, api_client):
    make_creator(handle="adult_one", adult=True)
    make_creator(handle="sfw_one", adult=False)
    fan = make_fan()
    for who in (None, fan):
        if who:
            client.force_login(who)
            api_client.force_authenticate(who)
        for path in ("/", "/creators/"):
            page = client.get(path).content.decode()
            assert "sfw_one" in page and "adult_one" not in page
        gate = client.get("/c/adult_one/")  # the 18+ gate (issue 12), showing nothing of the creator's page
        assert gate.status_code == 403 and "adults only" in gate.content.decode()
        assert "Adult_One" not in gate.content.decode()
        handles = [c["handle"] for c in api_client.get("/api/v1/creators/").json()["results"]]
        assert handles == ["sfw_one"]
        assert api_client.get("/api/v1/creators/adult_one/").status_code == 404


def test_api_docs_and_schema(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_age_verified_fan_with_safe_mode_off_sees_adult_creators(client, api_client):
    import time

    from fansub.verification.services import age_assurance, webhook_signing

    make_creator(handle="adult_one", adult=True)
    make_creator(handle="sfw_one", adult=False)
    fan = make_fan(country="GB")
    started = age_assurance.start_check(fan, "facial_age_estimation")
    body = (f'{{"reference": "{started.check.provider_reference}", "result": "passed", '
            f'"method": "facial_age_estimation"}}').encode()
    signature = webhook_signing.sign("dev-only-age-webhook-secret", body, int(time.time()))
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    client.force_login(fan)
    api_client.force_authenticate(fan)
    # Verified but still in safe mode (the default): nothing adult yet.
    assert "adult_one" not in client.get("/creators/").content.decode()
    assert api_client.patch("/api/v1/me/profile/", {"safe_mode": False}, format="json").status_code == 200
    api_client.force_authenticate(User.objects.get(pk=fan.pk))
    for path in ("/", "/creators/"):
        page = client.get(path).content.decode()
        assert "sfw_one" in page and "adult_one" in page
    assert client.get("/c/adult_one/").status_code == 200
    handles = sorted(c["handle"] for c in api_client.get("/api/v1/creators/").json()["results"])
    assert handles == ["adult_one", "sfw_one"]
    assert api_client.get("/api/v1/creators/adult_one/").status_code == 200


def test_unverified_creator_sees_no_adult_creators_but_a_verified_one_does(client):
    from fansub.verification.models import IdentityVerification

    make_creator(handle="adult_one", adult=True)
    viewer = make_creator(handle="other_creator")
    client.force_login(viewer)
    assert "adult_one" not in client.get("/creators/").content.decode()
    IdentityVerification.objects.create(user=viewer, status="approved")  # plain row: policy read only
    assert "adult_one" in client.get("/creators/").content.decode()
