"""Issue 10 (bad input): an invalid API token is a documented 401 on every endpoint, open ones included, and an
unhandled exception under /api/ answers the JSON error body (INTERNAL_ERROR, 500), never Django's HTML page."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.contract.openapi import openapi_schema, response_errors

pytestmark = pytest.mark.django_db

BAD_TOKEN = "Token 0000000000000000000000000000000000000000"


def _concrete(template: str) -> str | None:
    """A real path for an OpenAPI path template: the first placeholder value the URL resolver accepts."""
    for value in ("1", str(uuid.uuid4()), "someone"):
        path = re.sub(r"\{[^}]+\}", value, template)
        try:
            resolve(path)
        except Resolver404:
            continue
        return path
    return None


def _operations() -> list[tuple[str, str]]:
    out = []
    for template, methods in openapi_schema()["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                out.append((template, method))
    return out


def _authenticates(path: str) -> bool:
    view = resolve(path).func
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return bool(getattr(view_class, "authentication_classes", None))


def test_invalid_api_token_gets_documented_401_on_every_endpoint(api_client):
    checked = []
    for template, method in _operations():
        path = _concrete(template)
        assert path is not None, template
        if not _authenticates(path):  # provider webhooks: signed bodies, no Authorization header at all
            continue
        response = getattr(api_client, method)(path, data={}, format="json", HTTP_AUTHORIZATION=BAD_TOKEN)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED", (method, path)
        assert response_errors(path, method, 401, response.json()) == []
        checked.append((method, path))
    open_endpoints = {("post", "/api/v1/auth/signup/"), ("post", "/api/v1/auth/token/"),
                      ("get", "/api/v1/creators/")}
    assert open_endpoints & set(checked), "the open endpoints are among those checked"
    assert len(checked) > 30


def test_open_endpoint_documents_401_in_the_schema():
    schema = openapi_schema()
    for template, methods in schema["paths"].items():
        if "webhook" in template:
            continue
        for method, operation in methods.items():
            assert "401" in operation["responses"], (method, template)
            assert "500" in operation["responses"], (method, template)


@pytest.fixture
def _debug_off(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


@pytest.mark.usefixtures("_debug_off")
def test_unhandled_exception_under_api_answers_json_error_body(monkeypatch, api_client):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("fansub.accounts.api.views.selectors.visible_creators", boom)
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/creators/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": {"code": "INTERNAL_ERROR", "message": response.json()["error"]["message"],
                                         "details": {}}}
    assert "a bug" not in response.content.decode()


@pytest.mark.usefixtures("_debug_off")
def test_unhandled_exception_outside_drf_under_api_is_json_too(monkeypatch):
    """A failure in a middleware (not a DRF view) under /api/ still answers the error body."""
    from fansub.verification import middleware as age_middleware

    def boom(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(age_middleware.AgeCountryEvidenceMiddleware, "__call__", boom)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/creators/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    page = client.get("/")  # HTML pages keep Django's own 500 page
    assert page.status_code == 500
    assert not page["Content-Type"].startswith("application/json")


def test_token_of_a_deactivated_account_gets_401_even_on_open_endpoints(api_client):
    from rest_framework.authtoken.models import Token

    from tests.factories import make_fan

    fan = make_fan()
    token = Token.objects.create(user=fan)
    fan.is_active = False
    fan.save(update_fields=["is_active"])
    for path in ("/api/v1/creators/", "/api/v1/me/"):
        response = api_client.get(path, HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    response = api_client.get("/api/v1/creators/")  # without the header the open endpoint answers
    assert response.status_code == 200
