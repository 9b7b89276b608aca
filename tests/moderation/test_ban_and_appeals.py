"""A ban ends subscriptions at once with pro-rata refunds and freezes payouts; appeals: one per action,
within the window, decided by a different staff member."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token

from common.errors import AppealNotAllowed, InvalidTransition, PermissionDeniedError, ValidationFailed
from fansub.posts.models import PostComment
from fansub.posts.services import posts as post_services
from fansub.subscriptions.models import Subscription
from governance.models import AuditLog
from moderation import selectors
from moderation.models import Strike
from moderation.services import actions, appeals, enforcement, reports
from payments import hooks
from payments.errors import PayoutNotAllowed
from payments.models import Payment
from payments.money import Money
from payments.providers import registry
from payments.providers.simulator import SimulatorProvider
from payments.services import payouts, purchases
from payments.services.verify import verify
from payments.tasks import payout_run
from payments.tax.location import TaxEvidence
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post, make_tier

pytestmark = pytest.mark.django_db
US_CARD = "4242424242424242"


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    registry.reset()
    yield
    registry.reset()


def _subscribe(api_client, fan, tier, key):
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/subscriptions/", {"tier_id": tier.pk, "payment_method": US_CARD}, format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 201, r.json()
    return Subscription.objects.get(pk=r.json()["id"])


def test_ban_ends_subscriptions_with_pro_rata_refunds_and_freezes_payouts(
        api_client, moderator, django_capture_on_commit_callbacks):
    creator = make_creator(country="US")
    tier = make_tier(creator, price_minor=3000)
    fan_a, fan_b = make_fan(country="US", region="US-TX"), make_fan(country="US", region="US-TX")
    with django_capture_on_commit_callbacks(execute=True):
        sub_a, sub_b = _subscribe(api_client, fan_a, tier, "a"), _subscribe(api_client, fan_b, tier, "b")
    Token.objects.create(user=creator)
    report = reports.file_report(fan_a, target_kind="profile", target_id=str(creator.pk), category="illegal_content")
    # A third of the way through the period.
    start, end = sub_a.current_period_start, sub_a.current_period_end
    later = start + (end - start) / 3
    with mock.patch("django.utils.timezone.now", return_value=later), \
            django_capture_on_commit_callbacks(execute=True):
        actions.take_action(moderator, report.pk, kind="ban", reason="Sells illegal content.")
    creator.refresh_from_db()
    assert not creator.is_active and selectors.is_banned(creator) and selectors.payouts_frozen(creator)
    assert not Token.objects.filter(user=creator).exists()
    for sub in (sub_a, sub_b):
        sub.refresh_from_db()
        assert sub.status == "expired" and sub.end_reason == "account_banned"
        payment = Payment.objects.get(fan=sub.fan, status="succeeded")
        assert payment.amount_refunded == pytest.approx(payment.amount * 2 / 3, abs=2)  # two thirds unused
    assert verify().ok
    assert hooks.ask(hooks.PAYOUTS_BLOCKED, creator) == "payouts_frozen"
    with pytest.raises(PayoutNotAllowed) as exc:
        payouts.create_payout(creator, "USD")
    assert exc.value.details == {"reason": "on_hold"}  # never why (a hash match must not be revealed)
    assert AuditLog.objects.filter(action="moderation.account_banned").exists()
    assert AuditLog.objects.filter(action="moderation.payouts_frozen").exists()
    assert OutboxEvent.objects.filter(event_type="moderation.account_banned").exists()
    assert any("statement" not in m.subject.lower() and m.to == [creator.email] for m in mail.outbox)
    # A second ban (the DMCA side calling the contract) changes nothing and refunds nothing twice.
    enforcement.ban_account(creator, reason="repeat infringer", source="dmca")
    assert Payment.objects.filter(amount_refunded__gt=0).count() == 2
    assert AuditLog.objects.filter(action="moderation.account_banned").count() == 1


def test_freeze_is_lifted_only_with_a_reason_and_audited(moderator):
    creator = make_creator()
    enforcement.freeze_payouts(creator, reason="hash match", source="hash_match")
    assert selectors.payouts_frozen(creator)
    with pytest.raises(ValidationFailed):
        enforcement.lift_payout_freeze(creator, reason="", actor=moderator)
    enforcement.lift_payout_freeze(creator, reason="reviewed: false positive", actor=moderator)
    assert not selectors.payouts_frozen(creator) and hooks.ask(hooks.PAYOUTS_BLOCKED, creator) is None
    assert AuditLog.objects.filter(action="moderation.payouts_unfrozen", actor=moderator).exists()


def _removed_comment(moderator):
    creator, author, other = make_creator(), make_fan(), make_fan()
    comment = post_services.comment(author, make_post(creator, public=True).pk, "some words")
    report = reports.file_report(other, target_kind="comment", target_id=str(comment.pk), category="harassment")
    return actions.take_action(moderator, report.pk, kind="remove_content", reason="Harassment."), author, comment


def test_an_appeal_decided_by_another_moderator_overturns_and_restores(
        moderator, second_moderator, django_capture_on_commit_callbacks):
    action, author, comment = _removed_comment(moderator)
    appeal = appeals.file_appeal(author, str(action.public_id), "This was a joke between friends.")
    with pytest.raises(PermissionDeniedError):
        appeals.decide_appeal(moderator, appeal.pk, overturn=True, note="I was wrong")  # the same moderator
    with django_capture_on_commit_callbacks(execute=True):
        appeals.decide_appeal(second_moderator, appeal.pk, overturn=True, note="Context shows a joke.")
    appeal.refresh_from_db()
    assert appeal.status == "overturned" and appeal.decided_by == second_moderator
    assert not PostComment.objects.get(pk=comment.pk).is_hidden
    assert Strike.objects.get(action=action).revoked_at is not None and selectors.active_strikes(author) == 0
    action.report.refresh_from_db()
    assert action.report.status == "overturned"
    assert {e.event_type for e in OutboxEvent.objects.all()} >= {"moderation.appeal_filed", "moderation.appeal_decided"}
    assert "granted" in mail.outbox[-1].body
    with pytest.raises(InvalidTransition):
        appeals.decide_appeal(second_moderator, appeal.pk, overturn=False, note="again")


def test_one_appeal_per_action_within_the_window_by_the_affected_account(moderator, settings):
    action, author, _ = _removed_comment(moderator)
    with pytest.raises(ValidationFailed):
        appeals.file_appeal(author, str(action.public_id), "short")
    with pytest.raises(Exception) as exc:
        appeals.file_appeal(make_fan(), str(action.public_id), "Not my decision to appeal at all.")
    assert exc.value.code == "NOT_FOUND"
    appeals.file_appeal(author, str(action.public_id), "Please look again at this one.")
    with pytest.raises(AppealNotAllowed):
        appeals.file_appeal(author, str(action.public_id), "Please look again at this one.")
    late, late_author, _ = _removed_comment(moderator)
    after = timezone.now() + timedelta(days=settings.MODERATION_APPEAL_WINDOW_DAYS, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=after), pytest.raises(AppealNotAllowed):
        appeals.file_appeal(late_author, str(late.public_id), "Too late but trying anyway.")


def test_an_upheld_appeal_keeps_the_decision(moderator, second_moderator):
    action, author, comment = _removed_comment(moderator)
    appeal = appeals.file_appeal(author, str(action.public_id), "I disagree with this decision.")
    appeals.decide_appeal(second_moderator, appeal.pk, overturn=False, note="Clear harassment.")
    assert PostComment.objects.get(pk=comment.pk).is_hidden and selectors.active_strikes(author) == 1


def test_strikes_expire(moderator, settings):
    action, author, _ = _removed_comment(moderator)
    later = timezone.now() + timedelta(days=settings.MODERATION_STRIKE_DAYS, minutes=1)
    assert selectors.active_strikes(author) == 1
    assert selectors.active_strikes(author, now=later) == 0
    assert action.kind == "remove_content"


def test_overturning_a_suspension_or_a_ban_reopens_the_account(moderator, second_moderator):
    fan = make_fan()
    suspension = actions.act_on_account(moderator, fan, kind="suspend", reason="Scam.", rule="spam", suspend_days=5)
    appeal = appeals.file_appeal(fan, str(suspension.public_id), "It was my brother using my phone.")
    appeals.decide_appeal(second_moderator, appeal.pk, overturn=True, note="Plausible; first offence.")
    fan.refresh_from_db()
    assert fan.is_active and not selectors.is_suspended(fan)
    creator = make_creator()
    ban = actions.act_on_account(moderator, creator, kind="ban", reason="Impersonation.", rule="impersonation")
    appeal = appeals.file_appeal(creator, str(ban.public_id), "I am the real person, documents attached.")
    appeals.decide_appeal(second_moderator, appeal.pk, overturn=True, note="Identity confirmed.")
    creator.refresh_from_db()
    assert creator.is_active and not selectors.is_banned(creator)
    assert selectors.payouts_frozen(creator)  # lifted separately, after review


def test_the_payout_run_skips_a_frozen_creator_until_the_freeze_is_lifted(moderator, settings):
    settings.PAYOUT_MINIMUM_MINOR = 100
    settings.PAYOUT_HOLD_DAYS = 0
    creator, fan = make_creator(), make_fan(country="GB")
    payouts.connect_account(creator, "simulator", "acct_sim_frozen")
    SimulatorProvider().set_account_status("acct_sim_frozen", charges_enabled=True, payouts_enabled=True)
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    purchases.charge(fan, creator, Money(2000, "GBP"), "tip", "t", "k1", "4000008260000000",
                     tax_evidence=TaxEvidence(billing_country="GB", card_country="GB"))
    enforcement.freeze_payouts(creator, reason="hash match pending review", source="hash_match")
    assert payout_run() == {"paid": 0, "failed": 0, "skipped": 1}
    enforcement.lift_payout_freeze(creator, reason="reviewed", actor=moderator)
    assert payout_run()["paid"] == 1
    assert verify().ok
