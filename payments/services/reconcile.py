"""Webhooks get lost: re-fetch the provider's state for recent non-final payments and repair."""

import logging
from datetime import timedelta

from django.utils import timezone

from payments.models import Payment, PaymentStatus, Payout
from payments.models.payments import FINAL_STATUSES
from payments.providers import registry
from payments.providers.base import PaymentRequest
from payments.services import payouts, purchases

logger = logging.getLogger("fansub.payments.reconcile")


def reconcile(*, hours: int = 72, stale_after_seconds: int = 60) -> dict[str, int]:
    since = timezone.now() - timedelta(hours=hours)
    stale = timezone.now() - timedelta(seconds=stale_after_seconds)
    report = {"checked": 0, "repaired": 0, "errors": 0}
    recent = Payment.objects.filter(created_at__gte=since)
    candidates = list(recent.exclude(status__in=FINAL_STATUSES).filter(updated_at__lte=stale)) + list(
        recent.filter(status=PaymentStatus.SUCCEEDED))
    for payment in candidates:
        report["checked"] += 1
        before = (payment.status, payment.amount_refunded, payment.amount_charged_back, payment.disputes.count())
        try:
            if payment.status == PaymentStatus.CREATED:
                _redrive(payment)
            else:
                purchases.refresh_from_provider(payment)
        except Exception as exc:
            logger.warning("reconcile %s: %s", payment.public_id, exc)
            report["errors"] += 1
            continue
        payment.refresh_from_db()
        after = (payment.status, payment.amount_refunded, payment.amount_charged_back, payment.disputes.count())
        report["repaired"] += before != after
    for payout in Payout.objects.filter(status__in=[Payout.Status.CREATED, Payout.Status.IN_TRANSIT],
                                        created_at__gte=since).exclude(provider_payout_id=""):
        fetch = getattr(registry.get(payout.account.provider), "retrieve_payout", None)
        if fetch:
            report["checked"] += 1
            before = payout.status
            report["repaired"] += payouts.apply_payout_result(payout, fetch(payout.provider_payout_id)).status != before
    return report


def _redrive(payment: Payment) -> None:
    """A write-ahead row whose provider answer was lost: ask again with the SAME idempotency key —
    the provider returns the first attempt's result instead of charging twice."""
    provider = registry.get(payment.provider)
    request = PaymentRequest(local_payment_id=str(payment.public_id), amount=payment.money("amount"),
                             idempotency_key=f"payment:{payment.public_id}", payment_method="",
                             capture=payment.capture,
                             metadata={"purpose": payment.purpose, "reference": payment.reference,
                                       "payment": str(payment.public_id)})
    purchases.apply_result(payment.pk, provider.create_payment(request))
