"""Age-assurance evidence from the request: the country a trusted proxy saw (``AGE_COUNTRY_HEADER``).

Off by default (empty setting: the declared location alone decides). When set, e.g. ``CF-IPCountry`` behind
Cloudflare or ``CloudFront-Viewer-Country`` behind CloudFront, a signed-in fan's request from a country other
than the declared one records that country on the fan's profile; its age rule then binds the fan too (the
strictest wins) until a check meets it. Only set it behind a proxy that overwrites the header.

API clients authenticate with a token inside the DRF view, after this middleware; so for a request without a
session user the ``Authorization: Token <key>`` header is looked up here too, and the rule holds for API-token
requests exactly as for browser sessions (an unknown token records nothing; the view then answers 401).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.authtoken.models import Token

from fansub.verification.services.age_assurance import record_request_country


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def _token_user(request: HttpRequest) -> Any:
    scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "token" or not key or len(key) > 64:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def _request_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return _token_user(request)


class AgeCountryEvidenceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = getattr(settings, "AGE_COUNTRY_HEADER", "")
        country = request.META.get(_meta_key(header), "") if header else ""
        if country:
            user = _request_user(request)
            if user is not None and getattr(user, "role", None) == "fan":
                record_request_country(user, country)
        return self.get_response(request)
