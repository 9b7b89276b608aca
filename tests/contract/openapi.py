"""The OpenAPI schema as the tests see it, and a check that a real API response matches it.

`SchemaCheckedClient` (the `api_client` fixture) validates every /api/v1 response the suite receives
against the documented response for its path, method and status: an undocumented status, or a body
that does not match its schema, fails the test that made the request.
"""

import functools
import re
from typing import Any

from openapi_schema_validator import OAS30ReadValidator
from rest_framework.test import APIClient

API_PREFIX = "/api/v1/"


@functools.cache
def openapi_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(node: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name in seen:  # a recursive component: validate loosely below this point
                return {}
            return _resolve(components[name], components, (*seen, name))
        resolved = {key: _resolve(value, components, seen) for key, value in node.items()}
        if resolved.get("nullable") and len(resolved.get("allOf", ())) == 1:
            # drf-spectacular writes a nullable reference as {"allOf": [ref], "nullable": true}: in OpenAPI 3.0
            # that means the referenced object or null, which JSON Schema's allOf alone would not allow.
            inner = resolved.pop("allOf")[0]
            resolved = {**inner, **resolved}
        return resolved
    if isinstance(node, list):
        return [_resolve(item, components, seen) for item in node]
    return node


@functools.cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    schema = openapi_schema()
    out = []
    for template, methods in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in methods.items():
            out.append((pattern, method.upper(), operation))
    return out


def operation_for(path: str, method: str) -> dict[str, Any] | None:
    for pattern, op_method, operation in _operations():
        if op_method == method.upper() and pattern.match(path):
            return operation
    return None


def response_errors(path: str, method: str, status: int, body: Any) -> list[str]:
    """What is wrong with this response, measured against the schema ([] when it matches)."""
    operation = operation_for(path, method)
    if operation is None:
        return [f"{method} {path} is not in the OpenAPI schema"]
    documented = operation.get("responses", {})
    response = documented.get(str(status)) or documented.get("default")
    if response is None:
        return [f"{method} {path} returned {status}, which is not documented (documented: {sorted(documented)})"]
    content = response.get("content") or {}
    media = content.get("application/json")
    if media is None:
        if body not in (None, b"", ""):
            return [f"{method} {path} {status} returned a body, but none is documented"]
        return []
    schema = _resolve(media.get("schema", {}), openapi_schema().get("components", {}).get("schemas", {}))
    validator = OAS30ReadValidator(schema)
    return [f"{method} {path} {status}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(body)]


class SchemaCheckedClient(APIClient):
    """An APIClient whose every /api/v1 response must match the OpenAPI schema."""

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        path = request.get("PATH_INFO", "")
        if path.startswith(API_PREFIX) and response.status_code <= 500:  # 500: the documented INTERNAL_ERROR body
            body = None
            if response.get("Content-Type", "").startswith("application/json") and response.content:
                body = response.json()
            method = request.get("REQUEST_METHOD", "GET")
            problems = response_errors(path, method, response.status_code, body)
            assert not problems, "response does not match the OpenAPI schema:\n" + "\n".join(problems[:10])
        return response
