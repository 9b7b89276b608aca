"""The built-in development provider: a page on this site plays the hosted check and lets you pass or fail.

It goes through exactly the production path: its page posts a callback signed with the simulator's webhook
secret to the same handler real providers reach. It is switched off in production (AGE_SIMULATOR_ENABLED).
"""

import json
import secrets
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from common.errors import AgeProviderUnavailable, ValidationFailed
from fansub.verification.services import webhook_signing
from fansub.verification.services.age_providers.base import AgeCallback, HostedSession


class SimulatorProvider:
    name = "simulator"

    def _require_enabled(self) -> None:
        if not settings.AGE_SIMULATOR_ENABLED:
            raise AgeProviderUnavailable("The development age-check simulator is switched off.")

    def start_session(self, *, method: str, jurisdiction: str, return_url: str) -> HostedSession:
        self._require_enabled()
        reference = f"sim_{secrets.token_urlsafe(18)}"
        return HostedSession(reference=reference, redirect_url=reverse("age-simulator", args=[reference]))

    def parse_callback(self, headers: dict[str, str], body: bytes, *, now: datetime) -> AgeCallback:
        self._require_enabled()  # a switched-off simulator accepts no verdicts, whatever secret is configured
        signed_at = webhook_signing.verify(
            webhook_secret(self.name), headers.get(webhook_signing.SIGNATURE_HEADER), body,
            now=now, tolerance_seconds=settings.AGE_WEBHOOK_TOLERANCE_SECONDS,
        )
        try:
            data = json.loads(body)
            reference, result, method = str(data["reference"]), str(data["result"]), str(data["method"])
        except (ValueError, KeyError, TypeError):
            raise ValidationFailed("The callback body is not understood.")
        if result not in ("passed", "failed"):
            raise ValidationFailed("Unknown result.", details={"result": ["passed or failed"]})
        return AgeCallback(reference=reference, result=result, method=method, signed_at=signed_at,
                           body_sha256=webhook_signing.body_digest(body))

    def signed_callback(self, reference: str, result: str, method: str, *, timestamp: int) -> tuple[dict, bytes]:
        """What the simulator page sends: (headers, body), signed like a real provider's callback."""
        self._require_enabled()
        body = json.dumps({"reference": reference, "result": result, "method": method}).encode()
        header = webhook_signing.sign(webhook_secret(self.name), body, timestamp)
        return {webhook_signing.SIGNATURE_HEADER: header}, body


def webhook_secret(provider: str) -> str:
    return settings.AGE_WEBHOOK_SECRETS.get(provider, "")
