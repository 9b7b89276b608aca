"""The privacy requests API (every response checked against the OpenAPI schema by api_client)."""

import pytest

from governance.models import DataSubjectRequest
from tests.factories import PASSWORD, make_fan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}


def test_access_request_through_the_api(api_client, django_capture_on_commit_callbacks):
    fan = make_fan()
    api_client.force_authenticate(fan)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post("/api/v1/privacy/requests/", {"kind": "access", "password": PASSWORD},
                                  format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "access" and body["status"] == "in_progress" and "password" not in body
    detail = api_client.get(f"/api/v1/privacy/requests/{body['id']}/").json()
    assert detail["status"] == "completed" and detail["progress"] == 100
    assert detail["download_url"].startswith("/account/privacy/export/")
    assert [r["id"] for r in api_client.get("/api/v1/privacy/requests/").json()] == [body["id"]]


def test_api_refusals(api_client, django_capture_on_commit_callbacks):
    fan, other = make_fan(), make_fan()
    assert api_client.get("/api/v1/privacy/requests/").status_code == 401
    api_client.force_authenticate(fan)
    wrong = api_client.post("/api/v1/privacy/requests/", {"kind": "access", "password": "nope"}, format="json")
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "REAUTHENTICATION_REQUIRED"
    bad = api_client.post("/api/v1/privacy/requests/", {"kind": "everything", "password": PASSWORD}, format="json")
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=False):
        first = api_client.post("/api/v1/privacy/requests/", {"kind": "rectification", "password": PASSWORD,
                                                              "details": "My region is wrong"}, format="json")
        again = api_client.post("/api/v1/privacy/requests/", {"kind": "rectification", "password": PASSWORD,
                                                              "details": "still"}, format="json")
    assert first.status_code == 201
    assert again.status_code == 409 and again.json()["error"]["code"] == "DSAR_CONFLICT"
    request_id = first.json()["id"]
    api_client.force_authenticate(other)
    assert api_client.get(f"/api/v1/privacy/requests/{request_id}/").status_code == 404
    assert api_client.post(f"/api/v1/privacy/requests/{request_id}/withdraw/").status_code == 404
    api_client.force_authenticate(fan)
    in_progress = api_client.post(f"/api/v1/privacy/requests/{request_id}/withdraw/")
    assert in_progress.status_code == 409 and in_progress.json()["error"]["code"] == "INVALID_TRANSITION"
    assert DataSubjectRequest.objects.get().status == "in_progress"


def test_erasure_through_the_api_tombstones_the_account(api_client, django_capture_on_commit_callbacks):
    fan = make_fan(handle="api_erased")
    api_client.force_authenticate(fan)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post("/api/v1/privacy/requests/", {"kind": "erasure", "password": PASSWORD},
                                  format="json")
    assert created.status_code == 201
    fan.refresh_from_db()
    assert fan.erased_at and fan.handle != "api_erased"
    request = DataSubjectRequest.objects.get()
    assert request.status == "completed" and request.report["tombstoned"] is True
