"""The accepted time window of a Stripe-style signed delivery (``Stripe-Signature: t=…,v1=…``).

The ``stripe`` library refuses a timestamp older than its tolerance but accepts any timestamp in the
future; a delivery signed "later" could then be replayed until that moment. Both the Stripe adapter and
the simulator (which signs the same way) refuse a timestamp more than
``PAYMENTS_WEBHOOK_TOLERANCE_SECONDS`` away from now, either side, with ``WEBHOOK_TIMESTAMP_STALE``.
"""

import time

from common.errors import WebhookSignatureInvalid, WebhookTimestampStale


def signed_timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise WebhookSignatureInvalid("the signature header has no valid timestamp")


def refuse_outside_window(header: str, tolerance: int, now: float | None = None) -> None:
    timestamp = signed_timestamp(header)
    skew = (time.time() if now is None else now) - timestamp
    if abs(skew) > tolerance:
        raise WebhookTimestampStale(details={"tolerance_seconds": tolerance,
                                             "direction": "future" if skew < 0 else "past"})
