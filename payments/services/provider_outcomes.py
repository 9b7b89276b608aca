"""What a provider error means for the write-ahead row that was being driven, decided in one place.

Adapters translate their library's errors into the catalogue's provider errors, each saying whether a
retry with the same key may help (``retryable``). The coordinators keep that meaning: a provider error
is raised as it is; anything else (a bug, an untranslated library error) is an *unknown outcome*, never
a "retry": the row stays written-ahead and reconcile asks the provider again with the same key.
"""

from typing import Any

from common.errors import DomainError, ProviderOutcomeUnknown


def refused(exc: BaseException) -> bool:
    """The provider answered and said no (not retryable, and not "outcome unknown"): nothing moved."""
    return (isinstance(exc, DomainError) and not getattr(exc, "retryable", True)
            and not isinstance(exc, ProviderOutcomeUnknown))


def as_domain_error(exc: BaseException, **details: Any) -> DomainError:
    """The error to raise to the caller: the provider's own, or an unknown outcome for anything else."""
    if isinstance(exc, DomainError):
        return exc
    return ProviderOutcomeUnknown(details=details)
