from celery import shared_task

from fansub.services import posts, renewals


@shared_task(name="fansub.run_billing_cycle")
def run_billing_cycle() -> dict[str, int]:
    return renewals.run_billing_cycle()


@shared_task(name="fansub.publish_due_posts")
def publish_due_posts() -> int:
    return posts.publish_due_posts()


@shared_task(name="fansub.deliver_mass_message", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_mass_message(mass_message_id: int) -> int:
    from fansub.services import mass_messages

    return mass_messages.deliver(mass_message_id)
