"""Thin Celery wrappers around payments services."""

from celery import shared_task

from payments.services import action_expiry, payouts, receipts, statements, webhooks
from payments.services import reconcile as service


class WebhookNotAccepted(Exception):
    pass


@shared_task(name="payments.deliver_simulator_webhook", autoretry_for=(WebhookNotAccepted,), max_retries=8,
             retry_backoff=True)
def deliver_simulator_webhook(payload: str, signature: str) -> str:
    """The simulator's 'HTTP POST': straight into the same processor as /payments/webhooks/<provider>/."""

    response = webhooks.receive("simulator", payload.encode(), {"Stripe-Signature": signature})
    if response.status >= 500:
        raise WebhookNotAccepted(response.outcome)
    return response.outcome


@shared_task(name="payments.send_receipt_emails")
def send_receipt_emails() -> int:

    return receipts.send_pending_emails()


@shared_task(name="payments.release_pending")
def release_pending() -> int:

    return payouts.release_pending()


@shared_task(name="payments.payout_run")
def payout_run() -> dict:

    return payouts.payout_run()


@shared_task(name="payments.reconcile")
def reconcile() -> dict:

    return service.reconcile()


@shared_task(name="payments.purge_webhook_bodies")
def purge_webhook_bodies() -> int:

    return webhooks.purge_bodies()


@shared_task(name="payments.monthly_statements")
def monthly_statements() -> int:

    return statements.generate_last_month()


@shared_task(name="payments.expire_abandoned_actions")
def expire_abandoned_actions() -> dict:

    return action_expiry.expire_abandoned()
