"""Provider webhook processing: one path for Stripe, the high-risk processor and the simulator.

1. the provider verifies and parses the request (a provider that is not configured: 503
PAYMENT_PROVIDER_MISCONFIGURED; a bad signature, or a timestamp outside ±PAYMENTS_WEBHOOK_TOLERANCE_SECONDS:
400) — a refused request is counted and logged without its body, and nothing is stored; 2. the raw
request is kept (only once it is authentic); 3. livemode must match this deployment; 4. dedupe on the
unique (provider, event id) —
a concurrent duplicate hits the constraint and is treated as done; 5. process in a transaction
through the handler table, re-fetching the object from the provider (CCBill, which has nothing to
re-fetch from, is processed from its authenticated postback: services.ccbill_events); 6. record the
outcome.
Retryable failures answer 500 so the provider redelivers; unknown event types answer 200.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import DomainError, ProviderMisconfigured, WebhookSignatureInvalid
from governance.services import audit
from payments.models import ConnectedAccount, Payment, Payout, Refund, WebhookDelivery, WebhookEvent
from payments.models.webhooks import DELIVERY_TRANSITIONS, WEBHOOK_EVENT_TRANSITIONS
from payments.providers import registry
from payments.providers.base import PaymentProvider, ProviderEvent
from payments.services import ccbill_events, disputes, payouts, purchases, refunds
from payments.services.webhook_outcomes import Ignored
from telemetry import metrics

logger = logging.getLogger("fansub.payments.webhooks")


@dataclass(frozen=True)
class WebhookResponse:
    status: int
    outcome: str
    error: DomainError | None = None  # rendered as the shared error body


Handler = Callable[[PaymentProvider, ProviderEvent], None]


def _payment_for(provider: PaymentProvider, event: ProviderEvent) -> Payment:
    provider_payment_id = event.payment_id or event.object_id
    payment = Payment.objects.filter(provider=provider.name, provider_payment_id=provider_payment_id).first()
    if payment is None:
        # Our synchronous answer may not be recorded yet: the write-ahead row knows its local id.
        obj = event.data.get("object") if isinstance(event.data.get("object"), dict) else event.data
        metadata = obj.get("metadata") or {}
        local = metadata.get("payment") or metadata.get("local_payment_id") or event.data.get("local_payment_id")
        if local:
            payment = Payment.objects.filter(provider=provider.name, public_id=local).first()
    if payment is None:
        raise Ignored(f"no local payment for {provider_payment_id}")
    return payment


def _refetch_payment(provider: PaymentProvider, event: ProviderEvent) -> None:
    payment = _payment_for(provider, event)
    result = provider.retrieve_payment(event.payment_id or event.object_id)
    purchases.apply_result(payment.pk, result)

    payment.refresh_from_db()
    refunds.sync_from_provider(payment, result)
    disputes.sync_from_provider(payment, result)


def _refund_event(provider: PaymentProvider, event: ProviderEvent) -> None:
    """refund.* / charge.refund.updated: the payment is re-fetched as for any charge event, and the
    refund itself, so a refund that failed after succeeding is undone."""

    _refetch_payment(provider, event)
    row = Refund.objects.filter(provider_refund_id=event.object_id, payment__provider=provider.name).first()
    fetch = getattr(provider, "retrieve_refund", None)
    if row is None or fetch is None:
        return
    result = fetch(event.object_id)
    if result.status == "failed":
        reason = str((result.raw or {}).get("failure_reason") or "")
        refunds.refund_failed_at_provider(row, reason)
    elif result.status == "succeeded" and row.status == Refund.Status.PENDING:
        refunds.apply_refund_result(row, result)


def _payout(provider: PaymentProvider, event: ProviderEvent) -> None:
    if event.data.get("account"):
        _connected_bank_payout(provider, event)
        return
    payout = Payout.objects.filter(provider_payout_id=event.object_id, account__provider=provider.name).first()
    if payout is None:
        raise Ignored(f"no local payout {event.object_id}")
    fetch = getattr(provider, "retrieve_payout", None)
    if fetch is None:
        raise Ignored("provider cannot re-fetch payouts; reconcile will")
    payouts.apply_payout_result(payout, fetch(event.object_id))


def _connected_bank_payout(provider: PaymentProvider, event: ProviderEvent) -> None:
    """payout.* from a creator's connected account (Connect endpoint): their account's schedule paying
    their bank from what we transferred. That money left the platform ledger with the transfer, so
    nothing is posted; a failure is recorded for Finance (the money is back in the creator's
    Stripe balance and Stripe pays it again once the bank details are fixed)."""
    account = ConnectedAccount.objects.filter(provider=provider.name, account_ref=event.data["account"]).first()
    if account is None:
        raise Ignored(f"no connected account {event.data['account']}")
    obj = event.data.get("object") or {}
    audit.record(actor=None, action=f"payments.bank_{event.event_type.replace('.', '_')}", obj=account,
                 details={"payout": event.object_id, "amount": obj.get("amount"), "currency": obj.get("currency"),
                          "status": obj.get("status"), "failure_code": obj.get("failure_code")})


def _transfer(provider: PaymentProvider, event: ProviderEvent) -> None:
    """transfer.* (our payouts to creators): re-fetch the transfer and record reversals made at the provider."""
    payout = Payout.objects.filter(provider_payout_id=event.object_id, account__provider=provider.name).first()
    if payout is None:
        raise Ignored(f"no local payout {event.object_id}")
    fetch = getattr(provider, "retrieve_payout", None)
    if fetch is None:
        raise Ignored("provider cannot re-fetch transfers; reconcile will")
    payout = payouts.apply_payout_result(payout, fetch(event.object_id))
    payouts.sync_reversals(payout)


def _account_updated(provider: PaymentProvider, event: ProviderEvent) -> None:
    account = ConnectedAccount.objects.filter(provider=provider.name, account_ref=event.object_id).first()
    if account is None:
        raise Ignored(f"no connected account {event.object_id}")
    fetch = getattr(provider, "retrieve_account", None)
    if fetch is None:
        raise Ignored("provider cannot re-fetch accounts")
    status = fetch(event.object_id)
    payouts.update_account_status(account, charges_enabled=status.charges_enabled,
                                  payouts_enabled=status.payouts_enabled,
                                  details_submitted=getattr(status, "details_submitted", None),
                                  currently_due=getattr(status, "currently_due", None),
                                  disabled_reason=getattr(status, "disabled_reason", None))


HANDLERS: dict[str, Handler] = {
    **{f"payment_intent.{name}": _refetch_payment for name in (
        "created", "succeeded", "payment_failed", "requires_action", "processing", "canceled",
        "amount_capturable_updated", "partially_funded")},
    **{f"charge.{name}": _refetch_payment for name in (
        "succeeded", "failed", "captured", "expired", "updated", "refunded",
        "dispute.created", "dispute.updated", "dispute.closed", "dispute.funds_withdrawn",
        "dispute.funds_reinstated")},
    **{f"refund.{name}": _refund_event for name in ("created", "updated", "failed")},
    "charge.refund.updated": _refund_event,
    **{f"transfer.{name}": _transfer for name in ("created", "updated", "reversed")},
    **{f"payout.{name}": _payout for name in ("created", "updated", "paid", "failed", "canceled",
                                               "reconciliation_completed")},
    "account.updated": _account_updated,
}
# The simulator's Connect stand-in reports a returned payout as transfer.reversed on the payout object.
SIMULATOR_OVERRIDES: dict[str, Handler] = {"transfer.reversed": _payout}


def handler_for(provider: PaymentProvider, event: ProviderEvent) -> Handler | None:
    """The handler for a verified event. CCBill postbacks are processed from their authenticated
    content (CCBill has no look-up API to re-fetch from); everything else re-fetches."""
    if getattr(provider, "trusted_postbacks", False):
        return ccbill_events.HANDLERS.get(str(event.data.get("ccbill_event_type") or ""))
    if provider.name == "simulator" and event.event_type in SIMULATOR_OVERRIDES:
        return SIMULATOR_OVERRIDES[event.event_type]
    return HANDLERS.get(event.event_type)


STALE_PROCESSING_SECONDS = 300


def receive(provider_name: str, body: bytes, headers: dict[str, str], *, query: dict[str, str] | None = None,
            remote_addr: str | None = None) -> WebhookResponse:
    if not registry.enabled(provider_name):
        return WebhookResponse(404, "unknown_provider")
    signature = next((v for k, v in headers.items() if k.lower() in {"stripe-signature", "x-signature"}), "")
    try:
        provider = registry.get(provider_name)
        # CCBill names the event in the query string and is checked by sender address.
        event = provider.parse_webhook(body, headers, query=query or {}, remote_addr=remote_addr)
    except ProviderMisconfigured as exc:
        # The provider retries a 503; nothing is kept of a request nobody could verify.
        logger.error("webhook %s: provider not configured: %s", provider_name, exc.message)
        metrics.increment("payments.webhook.provider_misconfigured", component="payments", severity="critical")
        return WebhookResponse(503, "provider_misconfigured", error=ProviderMisconfigured())
    except WebhookSignatureInvalid as exc:
        # Counted and logged (reason and size, never the body); an unauthenticated body is not stored.
        logger.warning("webhook %s: refused %s (%d bytes): %s", provider_name, exc.code, len(body), exc.message)
        metrics.increment("payments.webhook.refused", component="payments", severity="warning")
        return WebhookResponse(400, "invalid_signature")
    delivery = WebhookDelivery.objects.create(provider=provider_name, raw_body=body, signature_header=signature[:500])
    if event.livemode != settings.PAYMENTS_LIVEMODE:
        _set_outcome(delivery, WebhookDelivery.Outcome.LIVEMODE_MISMATCH)
        return WebhookResponse(400, "livemode_mismatch")
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(provider=provider_name, event_id=event.event_id,
                                              event_type=event.event_type, object_id=event.object_id[:100],
                                              livemode=event.livemode)
    except IntegrityError:
        row = WebhookEvent.objects.get(provider=provider_name, event_id=event.event_id)
        # Processed, ignored, or being processed right now by a concurrent delivery: done. A failed
        # one, or one whose processor died mid-way long ago, is processed again.
        abandoned = (row.status == WebhookEvent.Status.PROCESSING
                     and row.received_at < timezone.now() - timezone.timedelta(seconds=STALE_PROCESSING_SECONDS))
        if row.status != WebhookEvent.Status.FAILED and not abandoned:
            _set_outcome(delivery, WebhookDelivery.Outcome.DUPLICATE, row)
            return WebhookResponse(200, "duplicate")
    return _process(provider, event, row, delivery)


def _process(provider: PaymentProvider, event: ProviderEvent, row: WebhookEvent,
             delivery: WebhookDelivery) -> WebhookResponse:
    handler = handler_for(provider, event)
    row.attempts += 1
    if handler is None:
        # Acknowledged (a 4xx/5xx would make the provider retry for days) and counted.
        metrics.increment("payments.webhook.unhandled_type", component="payments", severity="info")
        return _finish(row, delivery, WebhookEvent.Status.IGNORED, "no handler", 200)
    try:
        with transaction.atomic():
            handler(provider, event)
    except Ignored as exc:
        if exc.metric:
            metrics.increment(exc.metric, component="payments")
        return _finish(row, delivery, WebhookEvent.Status.IGNORED, str(exc), 200)
    except Exception as exc:
        logger.exception("webhook %s %s failed", event.event_type, event.event_id)
        return _finish(row, delivery, WebhookEvent.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000], 500)
    return _finish(row, delivery, WebhookEvent.Status.PROCESSED, "", 200)


def _finish(row: WebhookEvent, delivery: WebhookDelivery, status: str, error: str, code: int) -> WebhookResponse:
    WEBHOOK_EVENT_TRANSITIONS.move(row, status)
    row.error, row.processed_at = error, timezone.now()
    row.save(update_fields=["status", "error", "processed_at", "attempts"])
    failed = status == WebhookEvent.Status.FAILED
    outcome = WebhookDelivery.Outcome.FAILED if failed else WebhookDelivery.Outcome.ACCEPTED
    _set_outcome(delivery, outcome, row)
    return WebhookResponse(code, status)


def _set_outcome(delivery: WebhookDelivery, outcome: str, event: WebhookEvent | None = None) -> None:
    DELIVERY_TRANSITIONS.move(delivery, outcome, field="outcome")
    delivery.event = event
    delivery.save(update_fields=["outcome", "event"])


def purge_bodies(now: object = None) -> int:
    cutoff = (now or timezone.now()) - timezone.timedelta(days=settings.PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS)
    return WebhookDelivery.objects.filter(received_at__lt=cutoff).exclude(raw_body=b"").update(raw_body=b"")
