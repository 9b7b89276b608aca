"""Which provider takes a purchase, by content category ("adult" or "sfw").

Stripe's terms prohibit adult content, so an adult purchase must never reach Stripe. That rule is
enforced twice, on purpose:
- at startup: config/settings.py raises ImproperlyConfigured when PAYMENTS_PROVIDER_ADULT=stripe,
  so a misconfigured deployment does not boot;
- at call time: ``provider_for("adult")`` raises ``ContentRoutingRefused`` (a DomainError, HTTP 409)
  if the resolved provider is Stripe anyway (settings overridden at runtime, a renamed factory), so
  no code path can charge an adult purchase through it.
An unknown category is a programming error (ValueError): the caller decides the category from the
creator's/content's adult flag, never from user input.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from payments.providers.base import PaymentProvider
from payments.providers.provider_errors import ContentRoutingRefused
from payments.providers.registry import ADULT_PROHIBITED, get_provider

CONTENT_CATEGORIES = ("adult", "sfw")


def routing_table() -> dict[str, str]:
    """settings.PAYMENTS_ROUTING (built from PAYMENTS_PROVIDER_SFW / _ADULT) in this module's terms."""
    routes = settings.PAYMENTS_ROUTING
    return {"sfw": routes["default"].strip().lower(), "adult": routes.get("adult", routes["default"]).strip().lower()}


def check_routing_table(table: dict[str, str] | None = None) -> None:
    """Raise ImproperlyConfigured for a table that could send adult purchases to a prohibiting provider."""
    table = table or routing_table()
    if table.get("adult") in ADULT_PROHIBITED:
        raise ImproperlyConfigured(f"PAYMENTS_PROVIDER_ADULT cannot be {table['adult']}: its terms prohibit adult "
                                   "content.")


def provider_for(content_category: str) -> PaymentProvider:
    if content_category not in CONTENT_CATEGORIES:
        raise ValueError(f"content_category must be one of {CONTENT_CATEGORIES}, not {content_category!r}")
    name = routing_table()[content_category]
    if content_category == "adult" and name in ADULT_PROHIBITED:
        raise ContentRoutingRefused(details={"content_category": content_category, "provider": name})
    provider = get_provider(name)
    if content_category == "adult" and provider.name in ADULT_PROHIBITED:
        raise ContentRoutingRefused(details={"content_category": content_category, "provider": provider.name})
    return provider
