"""Thin Celery wrappers over messaging services."""

from celery import shared_task

from fansub.messaging.services import mass_delivery


@shared_task(name="messaging.deliver_mass_message", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_mass_message(mass_message_id: int) -> int:
    return mass_delivery.deliver(mass_message_id)
