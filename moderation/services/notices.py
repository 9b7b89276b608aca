"""Emails from Trust & Safety, sent after commit: the statement of reasons to the affected account and the
outcome to each reporter."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send(template: str, to: str, context: dict[str, Any]) -> None:
    if not to:
        return
    body = render_to_string(f"moderation/email/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, text = body.partition("\n\n")

    def deliver() -> None:
        send_mail(subject.strip(), text, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(deliver)
