"""Abandoned bank steps: a payment left "requires authentication" (3-D Secure, CCBill's hosted form) longer than
PAYMENTS_ACTION_EXPIRY_MINUTES is ended, so the tip, unlock or checkout waiting on it is freed and the fan
sees it closed instead of pending forever (until then the purchases page offers to resume it).

The provider's intent is cancelled through the adapter (its idempotency key is the one ``void`` uses, so a
retry asks the same cancellation). A provider that cannot cancel (CCBill: a signed form cannot be revoked)
gets the attempt failed locally as ``authentication_abandoned``; a sale that still arrives later is recorded
as a late success and the product fulfils or refunds it (payments.services.purchases.apply_result). When the
provider refuses to cancel because the fan finished in the meantime, its real state is fetched and applied.
Runs from beat (payments.expire_abandoned_actions); each payment is handled on its own, outside transactions.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from common.errors import DomainError, ProviderOperationUnsupported
from payments.models import Payment, PaymentStatus
from payments.providers import registry
from payments.providers.base import PaymentResult
from payments.services import purchases
from payments.services.guards import refuse_open_transaction

logger = logging.getLogger("fansub.payments")
ABANDONED = "authentication_abandoned"
BATCH = 200


def cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(minutes=settings.PAYMENTS_ACTION_EXPIRY_MINUTES)


def _abandoned(payment: Payment) -> PaymentResult:
    return PaymentResult(provider_payment_id=payment.provider_payment_id, status="failed",
                         amount=payment.money("amount"), decline_code=ABANDONED,
                         failure_message="The bank step was not finished in time.")


def expire_one(payment: Payment) -> str:
    """End one abandoned attempt; returns what became of it (canceled, failed, succeeded, ... or 'kept')."""
    refuse_open_transaction("expire_one")
    provider = registry.get(payment.provider)
    try:
        result = provider.cancel_payment(payment.provider_payment_id, f"cancel:{payment.public_id}")
    except ProviderOperationUnsupported:
        result = _abandoned(payment)
    except Exception as exc:
        logger.info("payment %s: cancel refused (%s); fetching its state", payment.public_id, type(exc).__name__)
        try:
            return purchases.refresh_from_provider(payment).status
        except Exception as again:
            logger.warning("payment %s: abandoned attempt kept for the next run: %s", payment.public_id,
                           type(again).__name__)
            return "kept"
    try:
        return purchases.apply_result(payment.pk, result).status
    except DomainError as exc:
        logger.warning("payment %s: could not apply the cancellation: %s", payment.public_id, exc.code)
        return "kept"


def expire_abandoned(now: datetime | None = None) -> dict[str, int]:
    """End every attempt waiting on the fan's bank step since before the cut-off. Counts per outcome."""
    refuse_open_transaction("expire_abandoned")
    counts: dict[str, int] = {}
    due = (Payment.objects.filter(status=PaymentStatus.REQUIRES_ACTION, created_at__lt=cutoff(now))
           .exclude(provider_payment_id="").order_by("created_at", "pk")[:BATCH])
    for payment in due:
        outcome = expire_one(payment)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
