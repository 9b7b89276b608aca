"""The OpenAPI schema documents every operation: a real 2xx body shape, the shared error body, unique ids."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.contract.openapi import openapi_schema

METHODS = ("get", "post", "put", "patch", "delete")


def _operations():
    for path, item in openapi_schema()["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _is_described(schema: dict) -> bool:
    """A schema that says something about the body: a reference, properties, items or alternatives."""
    if not schema:
        return False
    if any(key in schema for key in ("$ref", "oneOf", "anyOf", "allOf")):
        return True
    if schema.get("type") == "array":
        return _is_described(schema.get("items", {}))
    return bool(schema.get("properties"))


def test_every_operation_has_a_non_empty_2xx_response_schema():
    missing = []
    for path, method, operation in _operations():
        success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        if not success:
            missing.append(f"{method.upper()} {path}: no 2xx response")
        for code, response in success.items():
            if code == "204":
                assert "content" not in response, f"{method.upper()} {path}: 204 must have no body"
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if not _is_described(schema):
                missing.append(f"{method.upper()} {path} {code}: {schema or 'no schema'}")
    assert not missing, "\n".join(missing)


def test_error_responses_share_one_body_shape():
    schema = openapi_schema()
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message", "details"}
    for path, method, operation in _operations():
        errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
        assert errors, f"{method.upper()} {path} documents no error response"
        for code, response in errors.items():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", f"{method.upper()} {path} {code}: {ref}"


@pytest.mark.parametrize(("path", "method", "statuses"), [
    ("/api/v1/tips/", "post", {"400", "401", "402", "404", "409", "429"}),
    ("/api/v1/posts/{post_id}/", "get", {"404", "429"}),
    ("/api/v1/payments/{public_id}/refunds/", "post", {"400", "401", "403", "404", "409"}),
    ("/api/v1/me/mass-messages/", "post", {"400", "401", "403", "429"}),
])
def test_money_and_read_operations_document_their_errors(path, method, statuses):
    documented = set(openapi_schema()["paths"][path][method]["responses"])
    assert statuses <= documented, statuses - documented


def test_operation_ids_are_unique():
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _api_view_count(patterns, prefix: str = "") -> set[str]:
    found = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found |= _api_view_count(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            found.add(route)
    return found


def test_every_api_route_is_in_the_schema():
    routes = _api_view_count(get_resolver().url_patterns)
    paths = openapi_schema()["paths"]
    assert len(paths) == len(routes), (sorted(paths), sorted(routes))
    assert "/api/v1/payments/{public_id}/refunds/" in paths
