"""Actions through one table: each with reason, notice, audit and event; strikes; refusals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from common.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from fansub.posts.models import PostComment
from fansub.posts.selectors import discoverable_creators, visible_creators
from fansub.posts.services import posts as post_services
from fansub.verification.services.creator_verification import is_verified_creator
from governance.models import AuditLog
from moderation import selectors
from moderation.models import AccountStanding, Strike
from moderation.services import actions, enforcement, reports
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post, make_staff

pytestmark = pytest.mark.django_db


def _report(category="harassment", **kw):
    creator, fan = make_creator(**kw), make_fan()
    post = make_post(creator, public=True, text="bad post")
    return reports.file_report(fan, target_kind="post", target_id=str(post.pk), category=category), post, fan


def test_remove_content_takes_the_post_down_with_notice_audit_event_strike_and_reporter_told(
        moderator, django_capture_on_commit_callbacks):
    report, post, reporter = _report()
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.take_action(moderator, report.pk, kind="remove_content", reason="Insults a fan.")
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.status == "removed" and report.status == "removed" and report.resolved_at
    assert Strike.objects.filter(user=post.creator, action=action).exists()
    assert selectors.active_strikes(post.creator) == 1
    assert AuditLog.objects.filter(action="moderation.remove_content", reason="Insults a fan.").exists()
    payload = OutboxEvent.objects.get(event_type="moderation.action_taken").envelope["payload"]
    assert payload["kind"] == "remove_content" and payload["strike"] is True and "Insults" not in str(payload)
    to = {m.to[0]: m for m in mail.outbox}
    notice = to[post.creator.email].body
    assert "Rule: Harassment" in notice and "appeal" in notice.lower() and "Insults a fan." in notice
    assert "took action" in to[reporter.email].body
    assert report.filings.get().outcome_sent_at is not None


def test_dismiss_tells_the_reporter_and_gives_no_strike(moderator, django_capture_on_commit_callbacks):
    report, _post, reporter = _report()
    with django_capture_on_commit_callbacks(execute=True):
        actions.take_action(moderator, report.pk, kind="dismiss", reason="Not a breach.")
    assert not Strike.objects.exists()
    assert [m.to for m in mail.outbox] == [[reporter.email]] and "no breach" in mail.outbox[0].body


def test_a_decided_report_cannot_be_decided_again(moderator):
    report, _, _ = _report()
    actions.take_action(moderator, report.pk, kind="dismiss", reason="fine")
    with pytest.raises(InvalidTransition):
        actions.take_action(moderator, report.pk, kind="remove_content", reason="changed my mind")


def test_refusals_wrong_user_and_bad_input(moderator):
    report, _, fan = _report()
    with pytest.raises(PermissionDeniedError):
        actions.take_action(fan, report.pk, kind="dismiss", reason="x")
    plain_staff = make_staff()  # no second factor, no group
    with pytest.raises(PermissionDeniedError):
        actions.take_action(plain_staff, report.pk, kind="dismiss", reason="x")
    with pytest.raises(ValidationFailed) as exc:
        actions.take_action(moderator, report.pk, kind="remove_content", reason="  ")
    assert "reason" in exc.value.details
    with pytest.raises(ValidationFailed):
        actions.take_action(moderator, report.pk, kind="vaporise", reason="x")
    with pytest.raises(ValidationFailed):
        actions.take_action(moderator, report.pk, kind="suspend", reason="x", suspend_days=999)
    report.refresh_from_db()
    assert report.status == "open"


def test_remove_comment_hides_it(moderator):
    creator, fan, other = make_creator(), make_fan(), make_fan()
    post = make_post(creator, public=True)
    comment = post_services.comment(fan, post.pk, "nasty words")
    report = reports.file_report(other, target_kind="comment", target_id=str(comment.pk), category="harassment")
    actions.take_action(moderator, report.pk, kind="remove_content", reason="Harassment.")
    assert PostComment.objects.get(pk=comment.pk).is_hidden


def test_suspend_deactivates_until_the_period_ends(moderator):
    report, post, _ = _report()
    action = actions.take_action(moderator, report.pk, kind="suspend", reason="Repeated insults.", suspend_days=3)
    creator = post.creator
    creator.refresh_from_db()
    assert not creator.is_active and selectors.is_suspended(creator)
    assert action.ends_at - action.created_at >= timedelta(days=3) - timedelta(seconds=5)
    assert enforcement.lift_suspensions_due() == 0
    assert enforcement.lift_suspensions_due(timezone.now() + timedelta(days=4)) == 1
    creator.refresh_from_db()
    assert creator.is_active


def test_restrict_hides_the_creator_from_discovery(moderator):
    report, post, fan = _report(category="spam")
    actions.take_action(moderator, report.pk, kind="restrict", reason="Spam account.")
    assert AccountStanding.objects.get(user=post.creator).restricted
    assert not discoverable_creators(fan).filter(user=post.creator).exists()
    assert visible_creators(fan).filter(user=post.creator).exists()  # the page stays reachable


def test_require_reverification_ends_the_identity_approval(moderator):
    report, post, _ = _report(category="impersonation", verified=True)
    assert is_verified_creator(post.creator)
    actions.take_action(moderator, report.pk, kind="require_reverification", reason="Looks like someone else.")
    assert not is_verified_creator(post.creator)
    assert AccountStanding.objects.get(user=post.creator).reverification_required


def test_act_on_an_account_from_the_admin_goes_through_a_staff_case(moderator):
    fan = make_fan()
    action = actions.act_on_account(moderator, fan, kind="suspend", reason="Scam messages.", rule="spam")
    assert action.report.source == "staff" and action.report.status == "suspended"
    with pytest.raises(ValidationFailed):
        actions.act_on_account(moderator, fan, kind="dismiss", reason="x")
    with pytest.raises(ValidationFailed):
        actions.act_on_account(moderator, moderator, kind="ban", reason="x")
