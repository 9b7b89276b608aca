"""Celery wrappers: thin, they call one service each."""

import logging

from celery import shared_task
from django.conf import settings

from common.errors import InvalidTransition
from fansub.media.services import deletion, delivery, processing

logger = logging.getLogger("fansub.media")


@shared_task(name="media.process", bind=True, max_retries=None, acks_late=True)
def process_media(self, item_id: int) -> None:  # noqa: ANN001

    try:
        processing.process_media_item(item_id)
    except InvalidTransition:
        logger.info("media.process replay ignored: item already past processing")
    except Exception as exc:
        if self.request.retries >= settings.MEDIA_PROCESSING_MAX_RETRIES:
            processing.fail_item(item_id, "MEDIA_PROCESSING_FAILED")
            return
        # Exponential backoff with a cap: 10 s, 20 s, 40 s, … 10 min.
        raise self.retry(exc=exc, countdown=min(600, 10 * 2 ** self.request.retries))


@shared_task(name="media.trim_watermark_cache")
def trim_watermark_cache() -> int:

    return delivery.trim_watermark_cache()


@shared_task(name="media.sweep_orphans")
def sweep_orphans() -> int:

    return deletion.sweep_orphans()
