"""The age-assurance provider interface: a hosted session out, a signed webhook callback in.

Data crosses the boundary as small dataclasses carrying only what we may keep: a reference, the method
used and a pass/fail result. Whatever else a provider sends (estimated age, birth date, images) is dropped
by the adapter's ``parse_callback`` and never reaches a model.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Result = Literal["passed", "failed"]


@dataclass(frozen=True)
class HostedSession:
    reference: str
    redirect_url: str


@dataclass(frozen=True)
class AgeCallback:
    reference: str
    result: Result
    method: str
    signed_at: datetime
    body_sha256: str


class AgeAssuranceProvider(Protocol):
    name: str

    def start_session(self, *, method: str, jurisdiction: str, return_url: str) -> HostedSession:
        """Open a hosted check with the provider and say where to send the fan."""

    def parse_callback(self, headers: dict[str, str], body: bytes, *, now: datetime) -> AgeCallback:
        """Verify the callback's signature and freshness, then reduce it to an AgeCallback (or raise)."""
