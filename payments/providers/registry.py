"""Which provider handles a payment. The routing table lives here and in settings only.

Adapters register by name in PROVIDER_CLASSES (a dotted path, imported lazily so an adapter's SDK
is only needed where it is used). Routing picks a provider name per content category from
settings.PAYMENTS_ROUTING; every name's embedded default is the simulator.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from payments import hooks
from payments.providers.base import PaymentProvider

PROVIDER_CLASSES: dict[str, str] = {
    "simulator": "payments.providers.simulator.SimulatorProvider",
    "stripe": "payments.providers.stripe_gateway.StripeGateway",
    "highrisk": "payments.providers.highrisk.HighRiskGateway",
}


class UnknownProvider(LookupError):
    pass


@cache
def _load(name: str) -> PaymentProvider:
    try:
        path = {**PROVIDER_CLASSES, **settings.PAYMENTS_PROVIDER_CLASSES}[name]
    except KeyError:
        raise UnknownProvider(name) from None
    return import_string(path)()


def get(name: str) -> PaymentProvider:
    return _load(name)


def known(name: str) -> bool:
    return name in {**PROVIDER_CLASSES, **settings.PAYMENTS_PROVIDER_CLASSES}


def enabled(name: str) -> bool:
    """Known, and allowed here: the simulator (whose webhook secret is public) never in production."""
    return known(name) and (name != "simulator" or settings.PAYMENTS_ALLOW_SIMULATOR)


def category_of(creator: object) -> str:
    return hooks.ask(hooks.CREATOR_CONTENT_CATEGORY, creator, default="general")


def provider_name_for(creator: object, content_category: str | None = None) -> str:
    category = content_category or category_of(creator)
    routes = settings.PAYMENTS_ROUTING
    return routes.get(category, routes["default"])


def reset() -> None:
    """Forget loaded providers (tests that change settings)."""
    _load.cache_clear()
