"""Age-assurance providers behind one interface. ``get_provider(name)`` is the only way code reaches one."""

from django.conf import settings

from common.errors import UnknownProvider
from fansub.verification.services.age_providers.base import AgeAssuranceProvider, AgeCallback, HostedSession
from fansub.verification.services.age_providers.simulator import SimulatorProvider

_PROVIDERS: dict[str, type] = {SimulatorProvider.name: SimulatorProvider}


def get_provider(name: str) -> AgeAssuranceProvider:
    cls = _PROVIDERS.get(name)
    if cls is None:
        raise UnknownProvider(f"Unknown age-assurance provider {name!r}.")
    return cls()


def active_provider() -> AgeAssuranceProvider:
    return get_provider(settings.AGE_ASSURANCE_PROVIDER)


__all__ = ["AgeAssuranceProvider", "AgeCallback", "HostedSession", "active_provider", "get_provider"]
