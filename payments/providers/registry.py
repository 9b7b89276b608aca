"""Provider name -> instance, and the routing of a purchase to a provider name.

Factories are dotted paths imported on first use, so importing this module never pulls in the
``stripe`` library for a deployment that does not use it. Instances are cached per name (the
Stripe client keeps an HTTP connection pool) and the cache is dropped whenever settings change in
tests. ``settings.PAYMENTS_PROVIDER_CLASSES`` may add names (e.g. test doubles).

Routing: ``provider_name_for`` picks a name per content category from ``settings.PAYMENTS_ROUTING``
({"default": …, "adult": …}); an adult purchase is refused before it can reach a provider whose
terms prohibit adult content (see routing.py, which enforces the same rule for direct callers).
"""

from __future__ import annotations

import threading
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from payments import hooks
from payments.providers.base import PaymentProvider
from payments.providers.provider_errors import ContentRoutingRefused

# name -> "module:attribute" of a class (constructed with from_settings() if it has one, else with
# no arguments) or of a zero-argument factory.
PROVIDER_FACTORIES: dict[str, str] = {
    "simulator": "payments.providers.simulator:SimulatorProvider",
    "stripe": "payments.providers.stripe_gateway:StripeGateway",
    "ccbill": "payments.providers.highrisk:CCBillProvider",
}
# Named in the issue as an alternative; CCBill was chosen (see highrisk.py), so Segpay is refused
# explicitly instead of failing later with a confusing import error.
NOT_IMPLEMENTED = {
    "segpay": "Segpay is not implemented; the high-risk adapter is CCBill (PAYMENTS_PROVIDER_ADULT=ccbill).",
}
# Providers whose terms forbid adult content.
ADULT_PROHIBITED = frozenset({"stripe"})

_cache: dict[str, PaymentProvider] = {}
_lock = threading.Lock()


class UnknownProvider(ImproperlyConfigured):
    pass


def _factories() -> dict[str, str]:
    extra = {name: path if ":" in path else ":".join(path.rsplit(".", 1))
             for name, path in getattr(settings, "PAYMENTS_PROVIDER_CLASSES", {}).items()}
    return {**PROVIDER_FACTORIES, **extra}


def available() -> tuple[str, ...]:
    return tuple(_factories())


def known(name: str) -> bool:
    return name in _factories()


def _build(name: str) -> PaymentProvider:
    if name in NOT_IMPLEMENTED:
        raise ImproperlyConfigured(NOT_IMPLEMENTED[name])
    try:
        path = _factories()[name]
    except KeyError:
        raise UnknownProvider(f"Unknown payment provider {name!r}; known: {', '.join(available())}.") from None
    module_name, attribute = path.split(":")
    try:
        factory: Any = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ImproperlyConfigured(f"Payment provider {name!r} is not installed ({path}): {exc}") from exc
    provider = factory.from_settings() if hasattr(factory, "from_settings") else factory()
    if name in PROVIDER_FACTORIES and getattr(provider, "name", None) != name:
        raise ImproperlyConfigured(f"{path} built a provider named {getattr(provider, 'name', None)!r}, not {name!r}.")
    return provider


def capability(name: str, attribute: str) -> Any:
    """A class-level capability of provider ``name`` (e.g. ``bills_renewals``), without building (configuring) it."""
    path = _factories().get(name.strip().lower())
    if path is None:
        return None
    module_name, attribute_name = path.split(":")
    try:
        factory = getattr(import_module(module_name), attribute_name)
    except (ImportError, AttributeError):
        return None
    return getattr(factory, attribute, None)


def get_provider(name: str) -> PaymentProvider:
    """The configured instance for ``name`` (e.g. the one the webhook endpoint's <provider> names)."""
    key = name.strip().lower()
    with _lock:
        if key not in _cache:
            _cache[key] = _build(key)
        return _cache[key]


get = get_provider


def clear_cache() -> None:
    with _lock:
        _cache.clear()


reset = clear_cache


def enabled(name: str) -> bool:
    """Known, and allowed here: the simulator (whose webhook secret is public) never in production."""
    return known(name) and (name != "simulator" or settings.PAYMENTS_ALLOW_SIMULATOR)


def category_of(creator: object) -> str:
    return hooks.ask(hooks.CREATOR_CONTENT_CATEGORY, creator, default="general")


def provider_name_for(creator: object, content_category: str | None = None) -> str:
    category = content_category or category_of(creator)
    routes = settings.PAYMENTS_ROUTING
    name = routes.get(category, routes["default"])
    if category == "adult" and name in ADULT_PROHIBITED:

        raise ContentRoutingRefused(details={"content_category": category, "provider": name})
    return name


@receiver(setting_changed)
def _settings_changed(**_kwargs: Any) -> None:
    clear_cache()
