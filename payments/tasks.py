"""Thin Celery wrappers around payments services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from payments.models import Receipt


class WebhookNotAccepted(Exception):
    pass


@shared_task(name="payments.deliver_simulator_webhook", autoretry_for=(WebhookNotAccepted,), max_retries=8,
             retry_backoff=True)
def deliver_simulator_webhook(payload: str, signature: str) -> str:
    """The simulator's 'HTTP POST': straight into the same processor as /payments/webhooks/<provider>/."""
    from payments.services import webhooks

    response = webhooks.receive("simulator", payload.encode(), {"Stripe-Signature": signature})
    if response.status >= 500:
        raise WebhookNotAccepted(response.outcome)
    return response.outcome


@shared_task(name="payments.send_receipt_email")
def send_receipt_email(receipt_id: int) -> None:
    receipt = Receipt.objects.select_related("buyer").filter(pk=receipt_id).first()
    if receipt is None or not receipt.buyer.email or getattr(receipt.buyer, "erased_at", None):
        return
    from payments.selectors import receipt_context

    context = {**receipt_context(receipt), "site_url": settings.SITE_URL}
    subject = f"Your {receipt.get_kind_display().lower()} {receipt.number}"
    send_mail(subject, render_to_string("payments/email/receipt.txt", context), None, [receipt.buyer.email])


@shared_task(name="payments.release_pending")
def release_pending() -> int:
    from payments.services import payouts

    return payouts.release_pending()


@shared_task(name="payments.payout_run")
def payout_run() -> dict:
    from payments.services import payouts

    return payouts.payout_run()


@shared_task(name="payments.reconcile")
def reconcile() -> dict:
    from payments.services import reconcile as service

    return service.reconcile()


@shared_task(name="payments.purge_webhook_bodies")
def purge_webhook_bodies() -> int:
    from payments.services import webhooks

    return webhooks.purge_bodies()
