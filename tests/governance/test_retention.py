"""Retention that runs: what expired is deleted or emptied, nothing else; holds and legal obligations win."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.messaging.models import Message
from governance.models import AuditLog, RetentionRun
from governance.services import holds, retention
from payments.models import Payment, Receipt, WebhookDelivery
from telemetry.models import OutboxEvent
from tests.governance.privacy_helpers import person_with_data, privacy_staff

pytestmark = pytest.mark.django_db


def test_a_retention_run_deletes_what_expired_and_nothing_else(django_capture_on_commit_callbacks, settings):
    person, _creator = person_with_data(django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(days=settings.MESSAGE_RETENTION_DAYS + 1)
    old, reply = Message.objects.order_by("id")[:2]
    Message.objects.filter(pk__in=[old.pk, reply.pk]).update(created_at=long_ago)
    fresh = Message.objects.exclude(pk__in=[old.pk, reply.pk]).first()  # the tip's message, if any
    held = privacy_staff()
    holds.place(held, name="Case 9", reason="Preserve the reply", model_labels=["messaging.Message"],
                object_ids=[reply.pk])
    # money records far past any message period, still inside their 10-year obligation
    Receipt.objects.filter(buyer=person).update(issued_at=long_ago)
    Payment.objects.filter(fan=person).update(created_at=long_ago)
    webhook_old = WebhookDelivery.objects.order_by("id").first()
    if webhook_old:
        WebhookDelivery.objects.filter(pk=webhook_old.pk).update(
            received_at=timezone.now() - timedelta(days=settings.PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS + 1))
    receipts_before = list(Receipt.objects.values_list("pk", "lines"))
    payments_before = Payment.objects.count()

    run = retention.run_retention()

    assert Message.objects.get(pk=old.pk).text == ""  # expired: emptied
    assert Message.objects.get(pk=reply.pk).text == "thanks for writing"  # expired but held: untouched
    if fresh:
        assert Message.objects.get(pk=fresh.pk).text == fresh.text  # not expired: untouched
    assert run.counts["messaging.Message"] == 1
    assert run.skipped_for_holds == {"messaging.Message": 1, "messaging.Message.media": 1}  # text rule, media rule
    assert list(Receipt.objects.values_list("pk", "lines")) == receipts_before  # legal obligation
    assert Payment.objects.count() == payments_before
    if webhook_old:
        assert bytes(WebhookDelivery.objects.get(pk=webhook_old.pk).raw_body) == b""
        assert run.counts["payments.WebhookDelivery.body"] == 1
    assert RetentionRun.objects.get().finished_at
    audit = AuditLog.objects.get(action="retention.run")
    assert audit.details["counts"]["messaging.Message"] == 1
    assert OutboxEvent.objects.filter(event_type="retention.run_completed").count() == 1

    again = retention.run_retention()  # nothing newly expired: a second run changes nothing
    assert again.counts["messaging.Message"] == 0
    assert Message.objects.get(pk=reply.pk).text == "thanks for writing"


def test_nothing_expired_means_nothing_changes(django_capture_on_commit_callbacks):
    person_with_data(django_capture_on_commit_callbacks)
    texts = list(Message.objects.values_list("pk", "text"))
    run = retention.run_retention()
    assert sum(run.counts.values()) == 0
    assert list(Message.objects.values_list("pk", "text")) == texts


@pytest.mark.allow_dead_letters
def test_logs_past_their_period_are_deleted_and_recent_ones_kept(settings):
    from telemetry.models import DeadLetterEvent

    old = DeadLetterEvent.objects.create(event_type="x.y", error_code="EVENT_SCHEMA_INVALID", error="e", envelope={})
    new = DeadLetterEvent.objects.create(event_type="x.y", error_code="EVENT_SCHEMA_INVALID", error="e", envelope={})
    DeadLetterEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.LOG_RETENTION_DAYS + 1))
    run = retention.run_retention()
    assert run.counts["telemetry.DeadLetterEvent"] == 1
    assert list(DeadLetterEvent.objects.values_list("pk", flat=True)) == [new.pk]
