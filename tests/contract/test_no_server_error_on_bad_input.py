"""Issue 10, "No server error on bad input": unrouted API requests and hostile JSON bodies get the shared
error body with a 4xx, never an HTML page or a 500."""

import json

import pytest

from common.api.parsers import json_depth_exceeds
from tests.factories import PASSWORD, make_fan

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


# --- unknown API paths and wrong methods ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/v2/posts/", "/api/v1/posts/x/y/z/"])
def test_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND"


def test_unknown_api_path_is_a_json_404_for_a_post_too(client):
    response = client.post("/api/v1/no-such-thing/", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND"


def test_wrong_method_on_an_api_route_is_a_json_405(client):
    response = client.put(TOKEN_URL, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert _error(response)["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in response["Allow"]


def test_known_api_route_still_answers_normally(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200


def test_unknown_page_outside_the_api_stays_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


# --- JSON depth and body size -----------------------------------------------------------------------------
def test_deep_json_on_the_token_view_is_refused_not_a_server_error(api_client):
    body = "[" * 50_000 + "]" * 50_000
    response = api_client.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "JSON_TOO_DEEP"
    assert error["details"] == {"max_depth": 64}


def test_json_just_past_the_depth_limit_is_refused(api_client):
    body = {"email": "a@example.com", "password": "x" * 8}
    nested: object = 1
    for _ in range(65):
        nested = [nested]
    body["extra"] = nested
    response = api_client.post(TOKEN_URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "JSON_TOO_DEEP"


def test_json_within_the_depth_limit_is_parsed(api_client):
    fan = make_fan()
    nested: object = 1
    for _ in range(30):
        nested = {"a": nested}
    body = {"email": fan.email, "password": PASSWORD, "extra": nested}
    response = api_client.post(TOKEN_URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_body_above_the_upload_limit_is_a_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"email": "a@example.com", "password": "x" * 20_000})
    response = api_client.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 413
    assert _error(response)["code"] == "REQUEST_TOO_LARGE"


def test_body_below_the_upload_limit_is_accepted(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"email": "a@example.com", "password": "x" * 100})
    response = api_client.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 401
    assert _error(response)["code"] == "INVALID_CREDENTIALS"


def test_form_body_above_the_upload_limit_is_a_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api_client.post(TOKEN_URL, data={"email": "a@example.com", "password": "x" * 20_000}, format="multipart")
    assert response.status_code == 413
    assert _error(response)["code"] == "REQUEST_TOO_LARGE"


def test_malformed_json_is_still_a_parse_error(api_client):
    response = api_client.post(TOKEN_URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "PARSE_ERROR"


def test_json_depth_is_measured_without_recursion():
    deep: object = 0
    for _ in range(100_000):
        deep = [deep]
    assert json_depth_exceeds(deep, 64)
    assert not json_depth_exceeds({"a": [1, {"b": 2}]}, 3)
    assert json_depth_exceeds({"a": [1, {"b": []}]}, 3)


def test_a_plain_django_405_under_the_api_gets_the_json_body(rf):
    from django.http import HttpResponseNotAllowed

    from common.middleware import ApiErrorBodyMiddleware

    middleware = ApiErrorBodyMiddleware(lambda request: HttpResponseNotAllowed(["POST"]))
    response = middleware(rf.get("/api/v1/verifications/age/webhooks/sim/"))
    assert response.status_code == 405
    assert _error(response)["code"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "POST"
    page = middleware(rf.get("/verify/age/"))
    assert page.status_code == 405 and not page.get("Content-Type", "").startswith("application/json")


# --- found by the schemathesis run (tests/contract/test_fuzz.py) -----------------------------------------
def test_signed_out_edit_or_delete_of_a_post_is_401_not_a_server_error(api_client):
    put = api_client.put("/api/v1/posts/100/", {"audience": {}}, format="json")
    assert put.status_code == 401 and _error(put)["code"] == "NOT_AUTHENTICATED"
    delete = api_client.delete("/api/v1/posts/100/")
    assert delete.status_code == 401 and _error(delete)["code"] == "NOT_AUTHENTICATED"
    assert api_client.get("/api/v1/posts/100/").status_code == 404  # reading stays open to everyone


def test_a_page_past_the_end_of_a_list_is_a_documented_404(api_client):
    response = api_client.get("/api/v1/creators/?page=100")
    assert response.status_code == 404 and _error(response)["code"] == "NOT_FOUND"
    assert api_client.get("/api/v1/creators/?page=1").status_code == 200
