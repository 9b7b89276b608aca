"""Every status column has one transition table (common.state_machine.TransitionTable) and a CHECK that
keeps it within its choices."""

import pytest
from django.apps import apps
from django.db import models

from common.errors import InvalidTransition
from common.state_machine import TransitionTable, choices_constraint
from fansub.custom_requests.models import REQUEST_TRANSITIONS, CustomRequest
from fansub.media.models import MEDIA_TRANSITIONS, MediaItem
from fansub.messaging.models import MASS_MESSAGE_TRANSITIONS, MassMessage
from fansub.posts.models import POST_TRANSITIONS, Post
from fansub.purchases.models import TIP_TRANSITIONS, Tip
from fansub.subscriptions.models import (
    CHECKOUT_TRANSITIONS,
    SUBSCRIPTION_TRANSITIONS,
    Subscription,
    SubscriptionCheckout,
)
from fansub.verification.models import (
    E_RELEASE_TRANSITIONS,
    RELEASE_TRANSITIONS,
    VERIFICATION_TRANSITIONS,
    AgeCheck,
    ElectronicRelease,
    GuestRelease,
    IdentityVerification,
)
from governance.models import DSAR_TRANSITIONS, HOLD_TRANSITIONS, DataSubjectRequest, LegalHold
from moderation.models import (
    APPEAL_TRANSITIONS,
    CHILD_SAFETY_REPORT_TRANSITIONS,
    NOTICE_TRANSITIONS,
    REPORT_TRANSITIONS,
    Appeal,
    ChildSafetyReport,
    DmcaNotice,
    Report,
)
from payments.models import Dispute, Payment, Payout, Refund, WebhookDelivery, WebhookEvent
from payments.models.payments import DISPUTE_TRANSITIONS, ESCROW_TRANSITIONS, PAYMENT_TRANSITIONS, REFUND_TRANSITIONS
from payments.models.payouts import PAYOUT_TRANSITIONS, REVERSAL_TRANSITIONS, TransferReversal
from payments.models.refund_requests import REFUND_REQUEST_TRANSITIONS, RefundRequest
from payments.models.webhooks import DELIVERY_TRANSITIONS, WEBHOOK_EVENT_TRANSITIONS

OUR_PACKAGES = {"fansub", "payments", "moderation", "telemetry", "governance"}
STATE_FIELDS = {"status", "state", "escrow", "outcome"}

TABLES: dict[tuple[type[models.Model], str], TransitionTable] = {
    (Post, "status"): POST_TRANSITIONS,
    (Tip, "status"): TIP_TRANSITIONS,
    (SubscriptionCheckout, "status"): CHECKOUT_TRANSITIONS,
    (Subscription, "status"): SUBSCRIPTION_TRANSITIONS,
    (MassMessage, "status"): MASS_MESSAGE_TRANSITIONS,
    (CustomRequest, "status"): REQUEST_TRANSITIONS,
    (MediaItem, "state"): MEDIA_TRANSITIONS,
    (AgeCheck, "status"): VERIFICATION_TRANSITIONS,
    (IdentityVerification, "status"): VERIFICATION_TRANSITIONS,
    (GuestRelease, "status"): RELEASE_TRANSITIONS,
    (ElectronicRelease, "status"): E_RELEASE_TRANSITIONS,
    (Payment, "status"): PAYMENT_TRANSITIONS,
    (Payment, "escrow"): ESCROW_TRANSITIONS,
    (Refund, "status"): REFUND_TRANSITIONS,
    (RefundRequest, "status"): REFUND_REQUEST_TRANSITIONS,
    (Dispute, "status"): DISPUTE_TRANSITIONS,
    (Payout, "status"): PAYOUT_TRANSITIONS,
    (TransferReversal, "status"): REVERSAL_TRANSITIONS,
    (WebhookEvent, "status"): WEBHOOK_EVENT_TRANSITIONS,
    (WebhookDelivery, "outcome"): DELIVERY_TRANSITIONS,
    (DmcaNotice, "status"): NOTICE_TRANSITIONS,
    (ChildSafetyReport, "status"): CHILD_SAFETY_REPORT_TRANSITIONS,
    (Report, "status"): REPORT_TRANSITIONS,
    (Appeal, "status"): APPEAL_TRANSITIONS,
    (DataSubjectRequest, "status"): DSAR_TRANSITIONS,
    (LegalHold, "status"): HOLD_TRANSITIONS,
}


def _state_columns() -> list[tuple[type[models.Model], models.Field]]:
    return [(model, field) for model in apps.get_models()
            if model._meta.app_config.name.split(".")[0] in OUR_PACKAGES
            and not model._meta.proxy  # a proxy shares its concrete model's table and constraints
            for field in model._meta.get_fields()
            if field.name in STATE_FIELDS and getattr(field, "choices", None)]


def test_the_scan_sees_the_stateful_models():
    seen = {(model, field.name) for model, field in _state_columns()}
    assert {(Post, "status"), (Tip, "status"), (MassMessage, "status"), (Refund, "status")} <= seen


def test_every_status_column_has_a_transition_table_naming_only_its_choices():
    for model, field in _state_columns():
        table = TABLES.get((model, field.name))
        assert table is not None, f"{model._meta.label}.{field.name} has no transition table"
        choices = {str(value) for value, _ in field.choices}
        assert table.states <= choices, f"{table.name} names states {table.states - choices} not in the choices"


def test_every_status_column_is_held_to_its_choices_by_the_database():
    for model, field in _state_columns():
        wanted = {str(value) for value, _ in field.choices}
        held = any(child[0] == f"{field.name}__in" and set(child[1]) == wanted
                   for c in model._meta.constraints if isinstance(c, models.CheckConstraint)
                   for child in c.condition.children if isinstance(child, tuple))
        assert held, f"{model._meta.label}.{field.name} has no CHECK (… IN choices)"


def test_move_checks_then_sets_and_never_silently_ignores():
    post = Post(status="draft")
    POST_TRANSITIONS.move(post, "published")
    assert post.status == "published"
    with pytest.raises(InvalidTransition) as exc:
        POST_TRANSITIONS.move(post, "draft")
    assert post.status == "published"
    assert exc.value.status == 409 and exc.value.code == "INVALID_TRANSITION"
    assert exc.value.details == {"machine": "post", "from": "published", "to": "draft"}
    item = MediaItem(state="uploaded")
    MEDIA_TRANSITIONS.move(item, "processing", field="state")
    assert item.state == "processing"


def test_choices_constraint_lists_the_values():
    check = choices_constraint("status", Tip.Status, "x")
    assert check.condition.children == [("status__in", ["pending", "succeeded", "failed", "refunded"])]
