"""Age-assurance evidence from the request: the country a trusted proxy saw (``AGE_COUNTRY_HEADER``).

Off by default (empty setting: the declared location alone decides). When set, e.g. ``CF-IPCountry`` behind
Cloudflare or ``CloudFront-Viewer-Country`` behind CloudFront, a signed-in fan's request from a country other
than the declared one records that country on the fan's profile; its age rule then binds the fan too (the
strictest wins) until a check meets it. Only set it behind a proxy that overwrites the header.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fansub.verification.services.age_assurance import record_request_country


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


class AgeCountryEvidenceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = getattr(settings, "AGE_COUNTRY_HEADER", "")
        user = getattr(request, "user", None)
        if header and user is not None and user.is_authenticated and getattr(user, "role", None) == "fan":
            country = request.META.get(_meta_key(header), "")
            if country:
                record_request_country(user, country)
        return self.get_response(request)
