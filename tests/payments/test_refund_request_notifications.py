"""Refund requests tell people: the fan and the creator each get an in-app notification and an email when a
request is made, escalated, refunded (in full or part), declined or withdrawn; the fan's own words and the
decision note are never in them. A refund decision in progress cannot be overtaken by a decline."""

import pytest
from django.core import mail
from django.utils import timezone

from common.errors import InvalidTransition
from fansub.accounts.models import Notification, NotificationPreference
from payments.models import Refund
from payments.services import purchases, refund_requests
from payments.services.refund_requests import Decision
from tests.factories import make_fan, make_staff
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db
SECRET_MESSAGE = "my private reason 0777"


@pytest.fixture
def paid(fan, creator):
    return purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment


@pytest.fixture
def asked(fan, paid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return refund_requests.request_refund(fan, str(paid.public_id), reason="not_delivered",
                                              message=SECRET_MESSAGE)


def _titles(user):
    return [n.title for n in Notification.objects.filter(user=user, kind="refund_update").order_by("id")]


def _no_private_words():
    everything = [n.title for n in Notification.objects.all()] + [m.subject + m.body for m in mail.outbox]
    assert not any(SECRET_MESSAGE in text or "note for staff" in text for text in everything)


def test_a_request_tells_both_with_the_amount(fan, creator, asked):
    assert _titles(creator) == [f"@{fan.handle} asked for a refund of £12.00"]
    assert _titles(fan) == [f"Your refund request of £12.00 was sent to @{creator.handle}"]
    assert Notification.objects.get(user=creator, kind="refund_update").url == "/studio/money/refunds/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fan.email, creator.email])
    _no_private_words()


def test_a_repeated_request_does_not_notify_again(fan, paid, asked, django_capture_on_commit_callbacks):
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = refund_requests.request_refund(fan, str(paid.public_id), reason="other")
    assert again.pk == asked.pk and len(mail.outbox) == sent
    assert Notification.objects.filter(kind="refund_update").count() == 2


@pytest.mark.parametrize(("decision", "fan_sees", "creator_sees"), [
    (Decision("refund", note="note for staff"), "purchase was refunded: £12.00", "was refunded: £12.00"),
    (Decision("refund", gbp(300)), "partly refunded: £3.00", "partly refunded: £3.00"),
    (Decision("decline", note="note for staff"), "was declined", "was declined"),
    (Decision("escalate", note="note for staff"), "went to Trust & Safety", "went to Trust & Safety"),
])
def test_creator_decisions_tell_both(fan, creator, asked, decision, fan_sees, creator_sees,
                                     django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund_requests.creator_decide(creator, str(asked.public_id), decision)
    assert fan_sees in _titles(fan)[-1] and creator_sees in _titles(creator)[-1]
    assert len(mail.outbox) == 2
    _no_private_words()


def test_staff_decision_after_escalation_tells_both(fan, creator, asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refund_requests.creator_decide(creator, str(asked.public_id), Decision("escalate"))
        refund_requests.staff_decide(make_staff(superuser=True), str(asked.public_id), Decision("refund"))
    assert "refunded: £12.00" in _titles(fan)[-1] and "refunded: £12.00" in _titles(creator)[-1]
    assert len(_titles(fan)) == 3 and len(_titles(creator)) == 3


def test_withdrawal_tells_the_creator(fan, creator, asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refund_requests.withdraw(fan, str(asked.public_id))
    assert _titles(creator)[-1] == f"@{fan.handle} withdrew their refund request"


def test_refused_decisions_notify_nobody(fan, creator, asked, django_capture_on_commit_callbacks):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Exception):
            refund_requests.creator_decide(make_fan(), str(asked.public_id), Decision("refund"))
        with pytest.raises(Exception):
            refund_requests.creator_decide(creator, str(asked.public_id), Decision("refund", gbp(99999)))
        refund_requests.creator_decide(creator, str(asked.public_id), Decision("decline"))
        with pytest.raises(InvalidTransition):  # replay of a decided request
            refund_requests.creator_decide(creator, str(asked.public_id), Decision("decline"))
    assert Notification.objects.count() == before + 2
    assert not Refund.objects.exists()


def test_email_follows_the_recipients_choice(fan, creator, paid, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=creator, kind="refund_update", in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        refund_requests.request_refund(fan, str(paid.public_id), reason="other")
    assert [m.to[0] for m in mail.outbox] == [fan.email]
    assert _titles(creator)


def test_a_refund_in_progress_cannot_be_declined_or_withdrawn(fan, creator, asked):
    # What a concurrent refund decision leaves between its lock and the provider's answer.
    type(asked).objects.filter(pk=asked.pk).update(refund_started_at=timezone.now())
    with pytest.raises(InvalidTransition):
        refund_requests.creator_decide(creator, str(asked.public_id), Decision("decline"))
    with pytest.raises(InvalidTransition):
        refund_requests.staff_decide(make_staff(superuser=True), str(asked.public_id), Decision("decline"))
    with pytest.raises(InvalidTransition):
        refund_requests.withdraw(fan, str(asked.public_id))
    # The refund itself still completes (a retry of the decision that started it).
    done = refund_requests.creator_decide(creator, str(asked.public_id), Decision("refund"))
    assert done.status == "refunded" and Refund.objects.count() == 1


def test_a_refund_the_provider_refuses_leaves_the_request_decidable(fan, creator, asked):
    from unittest import mock

    from common.errors import ProviderRequestRejected
    from payments.providers.simulator import SimulatorProvider

    refused = mock.patch.object(SimulatorProvider, "refund_payment", side_effect=ProviderRequestRejected("no"))
    with refused, pytest.raises(ProviderRequestRejected):
        refund_requests.creator_decide(creator, str(asked.public_id), Decision("refund"))
    asked.refresh_from_db()
    assert asked.status == "requested" and asked.refund_started_at is None
    assert refund_requests.creator_decide(creator, str(asked.public_id), Decision("escalate")).status == "escalated"


def test_a_refund_decided_again_after_the_provider_refused_is_a_new_attempt(fan, creator, asked):
    """The refused refund is never re-used and recorded as done: the second decision really refunds."""
    from unittest import mock

    from common.errors import ProviderRequestRejected
    from payments.providers.simulator import SimulatorProvider

    refused = mock.patch.object(SimulatorProvider, "refund_payment", side_effect=ProviderRequestRejected("no"))
    with refused, pytest.raises(ProviderRequestRejected):
        refund_requests.creator_decide(creator, str(asked.public_id), Decision("refund"))
    failed = Refund.objects.get()
    assert failed.status == "failed"
    done = refund_requests.creator_decide(creator, str(asked.public_id), Decision("refund"))
    assert done.status == "refunded"
    assert done.refund.status == "succeeded" and done.refund.pk != failed.pk
    assert done.refund.idempotency_key == f"refund-request:{asked.public_id}:2"
    payment = done.payment
    payment.refresh_from_db()
    assert payment.amount_refunded == done.refund.amount
