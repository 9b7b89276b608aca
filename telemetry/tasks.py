from celery import shared_task

from telemetry.publisher import publish_all


@shared_task(name="telemetry.publish_outbox")
def publish_outbox() -> int:
    return publish_all()
