"""Webhooks get lost and answers time out: re-fetch the provider's view and repair, and re-drive every
write-ahead row whose answer was lost with its ORIGINAL idempotency key (the provider then returns
the first attempt's result instead of moving money twice).

Covered: payments (non-final ones, recent captured ones and any with an open dispute: refunds and
disputes come with the re-fetched payment), refunds still waiting for an answer, payouts (sent ones
re-fetched; ones with no provider answer re-sent), transfers (reversals made at the provider), transfer
reversals waiting for an answer, and creators who owe after a refund of an already transferred share.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from payments.models import AccountType, LedgerAccount, Payment, PaymentStatus, Payout, Refund, TransferReversal
from payments.models.payments import FINAL_STATUSES
from payments.money import Money
from payments.providers import registry
from payments.providers.base import PaymentRequest, PaymentResult
from payments.services import payouts, purchases, refunds

logger = logging.getLogger("fansub.payments.reconcile")


def reconcile(*, hours: int = 72, stale_after_seconds: int = 60) -> dict[str, int]:
    since = timezone.now() - timedelta(hours=hours)
    stale = timezone.now() - timedelta(seconds=stale_after_seconds)
    report = {"checked": 0, "repaired": 0, "errors": 0}

    def attempt(label: str, fn: Callable[[], Any], state: Callable[[], Any]) -> None:
        report["checked"] += 1
        before = state()
        try:
            fn()
        except Exception as exc:
            logger.warning("reconcile %s: %s", label, exc)
            report["errors"] += 1
            return
        report["repaired"] += state() != before

    # Payments (and, with them, their refunds and disputes).
    recent = Payment.objects.filter(created_at__gte=since)
    candidates = (recent.exclude(status__in=FINAL_STATUSES).filter(updated_at__lte=stale)
                  | recent.filter(status=PaymentStatus.SUCCEEDED)
                  | Payment.objects.filter(disputes__status="open")).distinct()
    for payment in candidates:
        if not _can_refetch(payment.provider) and payment.status != PaymentStatus.CREATED:
            continue

        def payment_state(p: Payment = payment) -> tuple:
            p.refresh_from_db()
            return (p.status, p.amount_refunded, p.amount_charged_back, p.disputes.count(),
                    tuple(p.disputes.values_list("status", flat=True)))

        action = (lambda p=payment: _redrive(p)) if payment.status == PaymentStatus.CREATED else (
            lambda p=payment: purchases.refresh_from_provider(p))
        attempt(f"payment {payment.public_id}", action, payment_state)

    # Refunds whose answer was lost.
    for refund in Refund.objects.filter(status=Refund.Status.CREATED, created_at__lte=stale):
        attempt(f"refund {refund.public_id}", lambda r=refund: refunds.redrive(r),
                lambda r=refund: Refund.objects.get(pk=r.pk).status)

    # Payouts: lost first answers re-sent with the same key; sent ones re-fetched; transfers' reversals.
    lost = Payout.objects.filter(status=Payout.Status.CREATED, provider_payout_id="", created_at__lte=stale)
    for payout in lost:
        attempt(f"payout {payout.public_id}", lambda p=payout: payouts.redrive_payout(p),
                lambda p=payout: Payout.objects.get(pk=p.pk).status)
    sent = Payout.objects.filter(Q(status__in=[Payout.Status.CREATED, Payout.Status.IN_TRANSIT])
                                 | Q(status=Payout.Status.PAID), created_at__gte=since).exclude(provider_payout_id="")
    for payout in sent.select_related("account"):
        provider = registry.get(payout.account.provider)
        fetch = getattr(provider, "retrieve_payout", None)
        if fetch is None:
            continue

        def refetch(p: Payout = payout, f: Callable = fetch) -> None:
            result = f(p.provider_payout_id)
            if p.status != Payout.Status.PAID:
                p = payouts.apply_payout_result(p, result)
            # One call per payout; the reversals are listed only when the provider's total differs from ours.
            provider_reversed = (result.raw or {}).get("amount_reversed")
            if provider_reversed is not None and provider_reversed != Money(
                    p.amount_reversed, p.currency).to_provider_amount():
                payouts.sync_reversals(p)

        attempt(f"payout {payout.public_id}", refetch,
                lambda p=payout: (Payout.objects.get(pk=p.pk).status, Payout.objects.get(pk=p.pk).amount_reversed,
                                  p.reversals.filter(status=TransferReversal.Status.SUCCEEDED).count()))

    # Transfer reversals whose answer was lost, then creators still owing after a refund or chargeback.
    for row in TransferReversal.objects.filter(status=TransferReversal.Status.CREATED, created_at__lte=stale):
        attempt(f"transfer reversal {row.public_id}", lambda r=row: payouts.drive_reversal(r),
                lambda r=row: TransferReversal.objects.get(pk=r.pk).status)
    owing = LedgerAccount.objects.filter(type=AccountType.CREATOR_AVAILABLE, balance__gt=0).values_list(
        "owner_id", "currency")
    for owner_id, currency in owing:
        attempt(f"creator {owner_id} owes", lambda o=owner_id, c=currency: payouts.recover_transferred(
            o, c, cause="reconcile"), lambda o=owner_id, c=currency: LedgerAccount.objects.get(
            type=AccountType.CREATOR_AVAILABLE, owner_id=o, currency=c).balance)
    return report


def _can_refetch(provider_name: str) -> bool:
    try:
        provider = registry.get(provider_name)
    except Exception:
        return False
    return not getattr(provider, "trusted_postbacks", False)


def _redrive(payment: Payment) -> None:
    """A write-ahead row whose provider answer was lost: ask again with the SAME idempotency key —
    the provider returns the first attempt's result instead of charging twice."""
    provider = registry.get(payment.provider)
    find = getattr(provider, "find_payment", None)
    if find is not None:
        # Stripe: look the intent up by our id (a re-sent create would need the card token we never keep).
        found = find(str(payment.public_id))
        if found is not None:
            purchases.apply_result(payment.pk, found)
        elif payment.created_at < timezone.now() - timedelta(seconds=settings.PAYMENTS_REDRIVE_GIVE_UP_SECONDS):
            # The provider never received it: nothing was charged. The fan's retry starts afresh.
            purchases.apply_result(payment.pk, PaymentResult(
                provider_payment_id="", status="failed", amount=payment.money("amount"),
                decline_code="provider_no_record", failure_message="The payment provider never received this payment."))
        return
    request = PaymentRequest(local_payment_id=str(payment.public_id), amount=payment.money("amount"),
                             idempotency_key=f"payment:{payment.public_id}", payment_method="",
                             capture=payment.capture,
                             metadata={"purpose": payment.purpose, "reference": payment.reference,
                                       "payment": str(payment.public_id)})
    purchases.apply_result(payment.pk, provider.create_payment(request))
