"""Cross-cutting HTTP middleware: API error bodies for unrouted requests, and the Content-Security-Policy.

`ApiErrorBodyMiddleware`: under ``/api/`` every answer is JSON. Django answers an unknown path with an
HTML 404 page and a non-DRF view's wrong method with an empty 405; both become the shared error body
``{"error": {"code", "message", "details"}}`` (``NOT_FOUND`` / ``METHOD_NOT_ALLOWED``). An unhandled exception
(Django has already logged it and built its HTML 500 page) becomes the same body with ``INTERNAL_ERROR``.

`NulByteMiddleware`: a path or query string carrying a NUL byte is refused with 400 (``VALIDATION_ERROR``)
before any view runs. No handle, id or parameter of ours can contain one, and PostgreSQL refuses it in a
query, which would otherwise surface as a server error wherever a URL value reaches the database.

`ContentSecurityPolicyMiddleware`: every HTML answer carries ``settings.CONTENT_SECURITY_POLICY`` —
scripts only from our own origin (no inline script or ``on…=`` handler anywhere: page scripts live under
``static/``), no plugins, no ``<base>`` elsewhere, and no framing by any site. A view that sets its own
policy keeps it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api.errors import error_body
from common.errors import InternalError, ValidationFailed

API_PREFIX = "/api/"

_REWRITTEN = {
    404: ("NOT_FOUND", "Not found."),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed here."),
    500: (InternalError.code, InternalError.default_message),
}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


class ApiErrorBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path_info) or response.status_code not in _REWRITTEN:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = _REWRITTEN[response.status_code]
        rewritten = JsonResponse(error_body(code, message), status=response.status_code)
        if response.has_header("Allow"):
            rewritten["Allow"] = response["Allow"]
        return rewritten


class NulByteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in value for values in request.GET.lists() for value in values[1]):
            message = "The address contains a NUL byte."
            if is_api_path(request.path_info):
                return JsonResponse(error_body(ValidationFailed.code, message), status=ValidationFailed.status)
            return HttpResponse(message, status=ValidationFailed.status, content_type="text/plain")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if (policy and response.get("Content-Type", "").startswith("text/html")
                and not response.has_header("Content-Security-Policy")):
            response["Content-Security-Policy"] = policy
        return response
