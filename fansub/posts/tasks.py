"""Thin Celery wrappers over post services (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from fansub.posts.services import posts


@shared_task(name="posts.publish_due_posts")
def publish_due_posts() -> int:
    return posts.publish_due_posts()
