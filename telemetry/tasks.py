from celery import shared_task

from telemetry.metrics import push_to_cloudwatch
from telemetry.publisher import publish_all


@shared_task(name="telemetry.publish_outbox")
def publish_outbox() -> int:
    return publish_all()


@shared_task(name="telemetry.push_cloudwatch_metrics")
def push_cloudwatch_metrics() -> int:
    return push_to_cloudwatch()
