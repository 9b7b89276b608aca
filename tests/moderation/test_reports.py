"""Reports: every reportable kind, snapshot at report time, identical open reports merged, refusals."""

import pytest

from common.errors import NotFoundError, ValidationFailed
from fansub.posts.services import posts as post_services
from moderation import selectors
from moderation.models import Report, ReportFiling
from moderation.services import reports
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db


def test_report_on_a_post_takes_a_snapshot_and_an_sla():
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True, text="buy followers cheap")
    report = reports.file_report(fan, target_kind="post", target_id=str(post.pk), category="spam", details="spam")
    post.text = "edited afterwards"
    post.save()
    report.refresh_from_db()
    assert report.snapshot["text"] == "buy followers cheap" and report.subject == creator
    assert report.status == "open" and report.filings_count == 1 and report.due_at > report.created_at
    event = OutboxEvent.objects.filter(event_type="moderation.report_filed").get()
    assert event.envelope["payload"]["category"] == "spam" and "buy" not in str(event.envelope)


def test_identical_open_reports_merge_and_a_replay_adds_nothing():
    creator, a, b = make_creator(), make_fan(), make_fan()
    post = make_post(creator, public=True)
    first = reports.file_report(a, target_kind="post", target_id=str(post.pk), category="harassment")
    second = reports.file_report(b, target_kind="post", target_id=str(post.pk), category="harassment")
    again = reports.file_report(a, target_kind="post", target_id=str(post.pk), category="harassment")
    assert first.pk == second.pk == again.pk
    assert Report.objects.count() == 1 and ReportFiling.objects.count() == 2
    other = reports.file_report(a, target_kind="post", target_id=str(post.pk), category="copyright")
    assert other.pk != first.pk  # a different category is a different case


def test_public_form_report_keeps_a_contact_address():
    make_creator(handle="someone")
    report = reports.file_report(None, target_kind="profile", target_id="someone", category="impersonation",
                                 contact_email="me@example.org")
    assert report.source == "public" and report.filings.get().contact_email == "me@example.org"


@pytest.mark.parametrize("kind", ["comment", "message", "tip", "custom_request", "media"])
def test_unknown_targets_are_not_found(kind):
    with pytest.raises(NotFoundError):
        reports.file_report(make_fan(), target_kind=kind, target_id="999999", category="spam")


def test_comment_is_reportable():
    creator, fan, other = make_creator(), make_fan(), make_fan()
    post = make_post(creator, public=True)
    comment = post_services.comment(fan, post.pk, "you are awful")
    report = reports.file_report(other, target_kind="comment", target_id=str(comment.pk), category="harassment")
    assert report.subject == fan and report.snapshot["text"] == "you are awful"


def test_bad_input_and_own_content_are_refused():
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    with pytest.raises(ValidationFailed) as exc:
        reports.file_report(fan, target_kind="post", target_id=str(post.pk), category="nonsense")
    assert "category" in exc.value.details
    with pytest.raises(ValidationFailed):
        reports.file_report(fan, target_kind="planet", target_id="1", category="spam")
    with pytest.raises(ValidationFailed):
        reports.file_report(creator, target_kind="post", target_id=str(post.pk), category="spam")


def test_queue_is_ordered_by_severity_then_age():
    creator, fan = make_creator(), make_fan()
    spam = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    minor = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk),
                                category="suspected_minor")
    spam2 = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    assert list(selectors.queue()) == [minor, spam, spam2]
    assert (minor.due_at - minor.created_at).total_seconds() < (spam.due_at - spam.created_at).total_seconds()
