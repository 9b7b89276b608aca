import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from fansub.accounts.models import FanProfile, User
from fansub.verification.models import AgeCheck, AgeWebhookReceipt
from fansub.verification.policy import can_view_adult
from fansub.verification.services import age_assurance
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan
from tests.verification.support import private_storage, signed  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

WEBHOOK = "/api/v1/verifications/age/webhooks/simulator/"


def _start(api_client, fan, method="facial_age_estimation"):
    api_client.force_authenticate(fan)
    response = api_client.post("/api/v1/verifications/age/", {"method": method}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _post_webhook(api_client, body, signature):
    api_client.force_authenticate(None)
    return api_client.post(WEBHOOK, data=body, content_type="application/json",
                           HTTP_X_FANSUB_SIGNATURE=signature)


def test_full_flow_through_the_simulator_page(client):
    fan = make_fan(country="GB")
    client.force_login(fan)
    page = client.get("/verify/age/").content.decode()
    assert "Facial age estimation" in page and "Not verified" in page
    response = client.post("/verify/age/", {"method": "facial_age_estimation"})
    assert response.status_code == 302 and "/verify/age/simulator/" in response["Location"]
    simulator = client.get(response["Location"]).content.decode()
    assert "Development only" in simulator
    client.post(response["Location"], {"result": "passed"})
    check = AgeCheck.objects.get(user=fan)
    assert check.status == "approved" and check.jurisdiction == "GB"
    assert check.expires_at > timezone.now() + timedelta(days=300)
    assert age_assurance.has_valid_age_assurance(fan)
    assert not can_view_adult(fan)  # safe mode still on until the fan switches it off
    assert client.post("/account/profile/", {"country": "GB", "region": "", "safe_mode": ""}).status_code == 302
    assert FanProfile.objects.get(user=fan).safe_mode is False and can_view_adult(_fresh(fan))
    types = list(OutboxEvent.objects.filter(event_type__startswith="age_check.").values_list("event_type", flat=True))
    assert sorted(types) == ["age_check.completed", "age_check.started"]
    completed = OutboxEvent.objects.get(event_type="age_check.completed").envelope["payload"]
    assert completed["result"] == "passed" and completed["jurisdiction"] == "GB"


def test_api_start_and_signed_callback(api_client):
    fan = make_fan(country="US", region="US-TX")
    started = _start(api_client, fan, "photo_id_match")
    assert started["status"] == "pending" and started["jurisdiction"] == "US-TX"
    assert started["redirect_url"].startswith("http://testserver/verify/age/simulator/")
    check = AgeCheck.objects.get(pk=started["id"])
    body, signature = signed(check.provider_reference, "passed", "photo_id_match")
    response = _post_webhook(api_client, body, signature)
    assert response.status_code == 200 and response.json() == {"status": "processed"}
    api_client.force_authenticate(fan)
    status = api_client.get("/api/v1/verifications/").json()
    assert status["age_assurance_met"] is True and status["latest_age_check"]["status"] == "approved"
    assert status["age_rule"]["jurisdiction"] == "US-TX"


def test_method_not_accepted_in_jurisdiction_is_refused(api_client):
    fan = make_fan(country="US", region="US-TX")
    api_client.force_authenticate(fan)
    response = api_client.post("/api/v1/verifications/age/", {"method": "facial_age_estimation"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "AGE_METHOD_NOT_ACCEPTED"
    assert AgeCheck.objects.count() == 0


def test_provider_reporting_an_unaccepted_method_is_a_failure(api_client):
    fan = make_fan(country="DE")
    check = AgeCheck.objects.get(pk=_start(api_client, fan, "photo_id_match")["id"])
    body, signature = signed(check.provider_reference, "passed", "credit_card")
    assert _post_webhook(api_client, body, signature).status_code == 200
    check.refresh_from_db()
    assert check.status == "rejected" and not age_assurance.has_valid_age_assurance(fan)


def test_creators_and_staff_cannot_start_fan_age_checks(api_client):
    api_client.force_authenticate(make_creator())
    response = api_client.post("/api/v1/verifications/age/", {"method": "photo_id_match"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("tamper", ["bad_signature", "stale", "wrong_secret", "missing"])
def test_webhook_refusals_process_nothing(api_client, tamper):
    fan = make_fan()
    check = AgeCheck.objects.get(pk=_start(api_client, fan)["id"])
    age_events = OutboxEvent.objects.filter(event_type__startswith="age_check.")
    events_before = age_events.count()
    if tamper == "bad_signature":
        body, signature = signed(check.provider_reference)
        body = body.replace(b"passed", b"failed")
    elif tamper == "stale":
        body, signature = signed(check.provider_reference, timestamp=int(time.time()) - 3600)
    elif tamper == "wrong_secret":
        body, signature = signed(check.provider_reference, secret="guessed")
    else:
        body, signature = signed(check.provider_reference)
        signature = ""
    response = _post_webhook(api_client, body, signature)
    assert response.status_code == 400
    expected = "WEBHOOK_TIMESTAMP_STALE" if tamper == "stale" else "WEBHOOK_SIGNATURE_INVALID"
    assert response.json()["error"]["code"] == expected
    check.refresh_from_db()
    assert check.status == "pending" and AgeWebhookReceipt.objects.count() == 0
    assert age_events.count() == events_before


def test_replayed_webhook_changes_nothing(api_client):
    fan = make_fan()
    check = AgeCheck.objects.get(pk=_start(api_client, fan)["id"])
    body, signature = signed(check.provider_reference, "failed")
    assert _post_webhook(api_client, body, signature).json() == {"status": "processed"}
    # The same callback again, and a re-signed one flipping the verdict: both are duplicates by reference.
    assert _post_webhook(api_client, body, signature).json() == {"status": "duplicate"}
    body2, signature2 = signed(check.provider_reference, "passed")
    assert _post_webhook(api_client, body2, signature2).json() == {"status": "duplicate"}
    check.refresh_from_db()
    assert check.status == "rejected" and AgeWebhookReceipt.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="age_check.completed").count() == 1


def test_unknown_reference_and_provider_are_refused(api_client):
    body, signature = signed("sim_nope")
    response = _post_webhook(api_client, body, signature)
    assert response.status_code == 404 and response.json()["error"]["code"] == "UNKNOWN_REFERENCE"
    assert AgeWebhookReceipt.objects.count() == 0
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/verifications/age/webhooks/acme/", data=body,
                           content_type="application/json").status_code == 404


def test_simulator_is_off_in_production_mode(api_client, settings):
    settings.AGE_SIMULATOR_ENABLED = False
    fan = make_fan()
    api_client.force_authenticate(fan)
    response = api_client.post("/api/v1/verifications/age/", {"method": "photo_id_match"}, format="json")
    assert response.status_code == 503 and response.json()["error"]["code"] == "AGE_PROVIDER_UNAVAILABLE"


def _fresh(user):
    return User.objects.get(pk=user.pk)  # drop the cached fan_profile


def _pass(fan, method="photo_id_match"):
    started = age_assurance.start_check(fan, method)
    body, signature = signed(started.check.provider_reference, "passed", method)
    age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body)
    return AgeCheck.objects.get(pk=started.check.pk)


def test_moving_to_a_stricter_jurisdiction_needs_a_new_check(api_client):
    from fansub.accounts.services import accounts

    fan = make_fan(country="GB")
    _pass(fan, "facial_age_estimation")
    accounts.update_fan_profile(fan, safe_mode=False)
    assert can_view_adult(_fresh(fan))
    accounts.update_fan_profile(fan, country="DE")  # Germany does not accept facial estimation
    assert FanProfile.objects.get(user=fan).safe_mode is True and not can_view_adult(_fresh(fan))
    api_client.force_authenticate(fan)
    r = api_client.patch("/api/v1/me/profile/", {"safe_mode": False}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "AGE_VERIFICATION_REQUIRED"


def test_photo_id_result_travels_to_germany():
    from fansub.accounts.services import accounts

    fan = make_fan(country="GB")
    _pass(fan, "photo_id_match")
    accounts.update_fan_profile(fan, country="DE", safe_mode=False)
    assert can_view_adult(_fresh(fan))


def test_results_lapse_and_safe_mode_returns():
    from fansub.accounts.services import accounts

    fan = make_fan(country="GB")
    check = _pass(fan)
    accounts.update_fan_profile(fan, safe_mode=False)
    later = check.expires_at + timedelta(seconds=1)
    counts = age_assurance.expire_due(now=later)
    assert counts["lapsed"] == 1 and counts["safe_mode_restored"] == 1
    check.refresh_from_db()
    assert check.status == "expired" and FanProfile.objects.get(user=fan).safe_mode is True
    assert OutboxEvent.objects.filter(event_type="age_check.expired").count() == 1


def test_abandoned_sessions_expire_and_a_late_callback_is_an_invalid_transition(api_client):
    fan = make_fan()
    check = AgeCheck.objects.get(pk=_start(api_client, fan)["id"])
    assert age_assurance.expire_due(now=timezone.now() + timedelta(hours=2))["abandoned"] == 1
    body, signature = signed(check.provider_reference)
    response = _post_webhook(api_client, body, signature)
    assert response.status_code == 409 and response.json()["error"]["code"] == "INVALID_TRANSITION"
    check.refresh_from_db()
    assert check.status == "expired" and AgeWebhookReceipt.objects.count() == 0


def test_known_jurisdiction_without_a_law_needs_no_check():
    fan = make_fan(country="US", region="US-CA")
    assert age_assurance.has_valid_age_assurance(fan)
    assert not age_assurance.has_valid_age_assurance(make_fan(country=""))


FORBIDDEN_FIELD_WORDS = ("birth", "dob", "selfie", "face", "image", "photo", "document", "name", "age_years",
                         "estimated", "file", "picture")


def test_no_birth_date_id_image_selfie_or_face_data_is_stored_for_fans(client, private_storage):  # noqa: F811
    # 1. The models that hold fan age data have no field that could carry it.
    for model in (AgeCheck, AgeWebhookReceipt):
        names = [f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)]
        assert set(names) <= {"id", "user", "provider", "provider_reference", "method", "jurisdiction", "status",
                              "started_at", "decided_at", "expires_at", "signed_at", "received_at",
                              "body_sha256", "outcome"}, names
        assert not [n for n in names if any(word in n for word in FORBIDDEN_FIELD_WORDS)]
        assert not [f for f in model._meta.get_fields()
                    if getattr(f, "concrete", False) and f.get_internal_type() in ("FileField", "ImageField",
                                                                                  "BinaryField")]
    # 2. A full flow whose provider callback also carries a birth date and a face image stores neither.
    fan = make_fan(country="GB")
    started = age_assurance.start_check(fan, "facial_age_estimation")
    import json

    from fansub.verification.services import webhook_signing

    body = json.dumps({"reference": started.check.provider_reference, "result": "passed",
                       "method": "facial_age_estimation", "date_of_birth": "1990-04-01",
                       "estimated_age": 34, "face_image": "aGVsbG8=" * 20}).encode()
    signature = webhook_signing.sign("dev-only-age-webhook-secret", body, int(time.time()))
    assert age_assurance.handle_callback("simulator", {"X-Fansub-Signature": signature}, body) == "processed"
    stored = [str(v) for row in AgeCheck.objects.values() for v in row.values()]
    stored += [str(v) for row in AgeWebhookReceipt.objects.values() for v in row.values()]
    stored += [str(e.envelope) for e in OutboxEvent.objects.all()]
    blob = " ".join(stored)
    assert "1990-04-01" not in blob and "aGVsbG8" not in blob
    assert "estimated_age" not in blob and "date_of_birth" not in blob
    # 3. Nothing was written to private storage for the fan.
    assert not Path(private_storage).exists() or not any(Path(private_storage).rglob("*"))


def test_refused_webhooks_are_counted(api_client):
    from telemetry import metrics

    body, signature = signed("sim_x", secret="wrong")
    _post_webhook(api_client, body, signature)
    assert metrics.value("WEBHOOK_SIGNATURE_INVALID") == 1


def test_creator_list_queries_are_constant_for_a_verified_fan(client, django_assert_max_num_queries):
    from fansub.accounts.services import accounts

    fan = make_fan(country="GB")
    _pass(fan)
    accounts.update_fan_profile(fan, safe_mode=False)
    for n in range(12):
        make_creator(handle=f"adult_{n}", adult=n % 2 == 0)
    client.force_login(fan)
    with django_assert_max_num_queries(9):  # 9: the nav's unread-notification count
        page = client.get("/creators/").content.decode()
    assert "adult_0" in page and "adult_1" in page


def test_switched_off_simulator_accepts_no_verdicts(api_client, settings):
    fan = make_fan()
    check = AgeCheck.objects.get(pk=_start(api_client, fan)["id"])
    settings.AGE_SIMULATOR_ENABLED = False
    body, signature = signed(check.provider_reference)
    assert _post_webhook(api_client, body, signature).status_code == 503
    check.refresh_from_db()
    assert check.status == "pending"
