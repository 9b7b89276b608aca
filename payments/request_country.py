"""The request's country as tax evidence: what a trusted proxy's geolocation header says
(``PAYMENTS_COUNTRY_HEADER``, e.g. ``CF-IPCountry``; empty: not collected). The middleware keeps it for
the length of the request; every charge path reads it in ``services.purchases.charge`` (the one place
a payment row is written), so no product has to pass it along. Never the IP address itself."""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_country: ContextVar[str] = ContextVar("payments_request_country", default="")


def current() -> str:
    """The country of the request being served ("" outside a request or when the header is off/unknown)."""
    return _country.get()


def country_from(request: HttpRequest) -> str:
    header = getattr(settings, "PAYMENTS_COUNTRY_HEADER", "")
    if not header:
        return ""
    value = (request.META.get("HTTP_" + header.strip().upper().replace("-", "_"), "") or "").strip().upper()
    if len(value) == 2 and value.isalpha() and value not in {"XX", "T1"}:  # unknown / Tor
        return value
    return ""


class RequestCountryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _country.set(country_from(request))
        try:
            return self.get_response(request)
        finally:
            _country.reset(token)
