"""Provider name -> instance, built from settings.

Factories are dotted paths imported on first use, so this module works before an optional provider
module exists (the simulator lives in payments/providers/simulator.py) and importing it never pulls
in the ``stripe`` library for a deployment that does not use it. Instances are cached per name (the
Stripe client keeps an HTTP connection pool) and the cache is dropped whenever settings change in
tests.
"""

from __future__ import annotations

import threading
from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from payments.providers.base import PaymentProvider

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

_cache: dict[str, PaymentProvider] = {}
_lock = threading.Lock()


def available() -> tuple[str, ...]:
    return tuple(PROVIDER_FACTORIES)


def _build(name: str) -> PaymentProvider:
    if name in NOT_IMPLEMENTED:
        raise ImproperlyConfigured(NOT_IMPLEMENTED[name])
    try:
        path = PROVIDER_FACTORIES[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown payment provider {name!r}; known: {', '.join(available())}.") from None
    module_name, attribute = path.split(":")
    try:
        factory: Any = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ImproperlyConfigured(f"Payment provider {name!r} is not installed ({path}): {exc}") from exc
    provider = factory.from_settings() if hasattr(factory, "from_settings") else factory()
    if getattr(provider, "name", None) != name:
        raise ImproperlyConfigured(f"{path} built a provider named {getattr(provider, 'name', None)!r}, not {name!r}.")
    return provider


def get_provider(name: str) -> PaymentProvider:
    """The configured instance for ``name`` (e.g. the one the webhook endpoint's <provider> names)."""
    key = name.strip().lower()
    with _lock:
        if key not in _cache:
            _cache[key] = _build(key)
        return _cache[key]


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@receiver(setting_changed)
def _settings_changed(**_kwargs: Any) -> None:
    clear_cache()
