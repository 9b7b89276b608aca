"""API token authentication that knows whether a token was minted after the second factor.

Like django-otp's middleware for sessions, it sets ``user.otp_device`` (the device that verified the token at
mint time, or None) and ``user.is_verified()``, so ``two_factor.has_staff_powers`` answers the same way for
sessions and tokens. A staff token minted without a second factor therefore authenticates a plain user.
"""

from typing import Any

from rest_framework.authentication import TokenAuthentication

from governance.services import two_factor


class OtpAwareTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        device = two_factor.device_for_token(token)
        user.otp_device = device
        user.is_verified = lambda: device is not None
        return user, token
