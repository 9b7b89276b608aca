"""The Trust & Safety admin: queue, decision form, bulk decisions, safe media view with audited reveals,
appeals, accounts, posts, disputes; least privilege for suspected-minor cases."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from fansub.custom_requests.services import custom_requests as svc
from fansub.media.services import links, processing, uploads
from governance.models import AuditLog
from moderation.models import Report
from moderation.services import actions, appeals, reports
from payments.models import Payment
from payments.money import Money
from tests.factories import make_creator, make_fan, make_post, make_staff, verified_login
from tests.media.corpus import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}


@pytest.fixture
def tns_client(client, moderator):
    verified_login(client, moderator)
    return client


def _post_with_image(creator, django_capture_on_commit_callbacks):
    data = png_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        item = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="a.png",
                                    content_type="image/png").item
    item.refresh_from_db()
    if item.state == "uploaded":
        processing.process_media_item(item.pk)
        item.refresh_from_db()
    post = make_post(creator, public=True, text="look")
    links.attach(creator, "post", post.pk, [str(item.public_id)])
    return post, item


def test_queue_lists_open_reports_worst_first_with_sla(tns_client):
    creator, fan = make_creator(), make_fan()
    reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="harassment")
    r = tns_client.get(reverse("admin:moderation_report_changelist"))
    assert r.status_code == 200
    rows = list(r.context["cl"].result_list)
    assert [x.category for x in rows] == ["harassment", "spam"]
    assert "h left" in r.content.decode()


def test_reveal_is_audited_and_the_clear_image_needs_it(tns_client, moderator, django_capture_on_commit_callbacks):
    creator, fan = make_creator(), make_fan()
    post, item = _post_with_image(creator, django_capture_on_commit_callbacks)
    report = reports.file_report(fan, target_kind="post", target_id=str(post.pk), category="non_consensual")
    assert report.snapshot["media"] == [str(item.public_id)]
    page = tns_client.get(reverse("admin:moderation_report_change", args=[report.pk]))
    assert b"filter: blur" in page.content and b"Reveal" in page.content
    blurred = reverse("admin:moderation_report_media", args=[report.pk, item.public_id, "blurred"])
    clear = reverse("admin:moderation_report_media", args=[report.pk, item.public_id, "clear"])
    reveal = reverse("admin:moderation_report_media", args=[report.pk, item.public_id, "reveal"])
    assert tns_client.get(blurred).status_code == 200
    assert tns_client.get(clear).status_code == 403  # not revealed yet
    assert tns_client.get(reveal).status_code == 403  # reveal is a POST
    assert tns_client.post(reveal).status_code == 302
    assert AuditLog.objects.filter(action="moderation.media_revealed", actor=moderator).count() == 1
    assert tns_client.get(clear).status_code == 200
    page = tns_client.get(reverse("admin:moderation_report_change", args=[report.pk]))
    assert b"Revealed (audited)" in page.content


def test_decision_form_and_refusal_without_reason(tns_client):
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    report = reports.file_report(fan, target_kind="post", target_id=str(post.pk), category="spam")
    act = reverse("admin:moderation_report_act", args=[report.pk])
    tns_client.post(act, {"kind": "remove_content", "reason": ""})
    report.refresh_from_db()
    assert report.status == "open"
    tns_client.post(act, {"kind": "remove_content", "reason": "Spam links.", "rule": "spam"})
    report.refresh_from_db()
    post.refresh_from_db()
    assert report.status == "removed" and post.status == "removed"


def test_bulk_decide_and_assign(tns_client, moderator):
    creator, fan = make_creator(), make_fan()
    ids = [reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam").pk
           for _ in range(2)]
    url = reverse("admin:moderation_report_changelist")
    tns_client.post(url, {"action": "assign_to_me", "_selected_action": ids})
    assert set(Report.objects.values_list("assigned_to", flat=True)) == {moderator.pk}
    r = tns_client.post(url, {"action": "decide_selected", "_selected_action": ids})
    assert r.status_code == 200 and b"Apply to all" in r.content
    tns_client.post(url, {"action": "decide_selected", "_selected_action": ids, "apply": "1",
                          "kind": "dismiss", "reason": "Not spam.", "rule": ""})
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}


def test_suspected_minor_cases_are_for_child_safety_only(client, moderator):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk),
                                 category="suspected_minor")
    verified_login(client, moderator)
    assert client.get(reverse("admin:moderation_report_change", args=[report.pk])).status_code == 302
    with pytest.raises(Exception) as exc:
        actions.take_action(moderator, report.pk, kind="dismiss", reason="x")
    assert exc.value.code == "PERMISSION_DENIED"
    cs = make_staff(handle="child_safety")
    cs.groups.add(Group.objects.get(name="Child safety"))
    verified_login(client, cs)
    assert client.get(reverse("admin:moderation_report_change", args=[report.pk])).status_code == 200


def test_accounts_posts_and_comments_are_acted_on_from_the_admin(tns_client):
    fan = make_fan()
    url = reverse("admin:moderation_moderatedaccount_changelist")
    assert tns_client.get(url + f"?q={fan.handle}").status_code == 200
    tns_client.post(url, {"action": "act_on_selected", "_selected_action": [fan.pk], "apply": "1",
                          "kind": "suspend", "reason": "Scams.", "rule": "spam", "suspend_days": 2})
    fan.refresh_from_db()
    assert not fan.is_active
    creator = make_creator()
    post = make_post(creator, public=True)
    tns_client.post(reverse("admin:posts_post_changelist"), {
        "action": "act_on_selected", "_selected_action": [post.pk], "apply": "1",
        "kind": "remove_content", "reason": "Illegal.", "rule": "illegal_content"})
    post.refresh_from_db()
    assert post.status == "removed"
    for name in ("posts_postcomment", "messaging_message", "subscriptions_subscription",
                 "custom_requests_customrequest"):
        assert tns_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_appeal_is_decided_in_the_admin_by_another_moderator(client, moderator, second_moderator):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    action = actions.take_action(moderator, report.pk, kind="restrict", reason="Spam.")
    appeal = appeals.file_appeal(creator, str(action.public_id), "I am not a spammer, look again.")
    verified_login(client, second_moderator)
    assert client.get(reverse("admin:moderation_appeal_change", args=[appeal.pk])).status_code == 200
    client.post(reverse("admin:moderation_appeal_decide", args=[appeal.pk]),
                {"decision": "overturn", "note": "Not spam."})
    appeal.refresh_from_db()
    assert appeal.status == "overturned"


def test_a_fan_or_unverified_staff_gets_nothing(client, moderator):
    client.force_login(moderator)  # password only: no staff powers
    assert client.get(reverse("admin:moderation_report_changelist")).status_code == 302


def test_a_disputed_request_is_found_and_resolved_with_a_required_note(
        tns_client, django_capture_on_commit_callbacks, settings):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3, prohibited_topics=[])
    fan = make_fan(country="US", region="US-CA")
    req = svc.submit(fan, creator, kind="video", description="A short birthday video for my friend, thirty seconds.",
                     price=Money(3000, "USD"), desired_by=None, payment_method="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(creator, req.pk)
    svc.deliver(creator, req.pk, note="Here you go!")
    svc.dispute(fan, req.pk, "The video is only ten seconds long.")
    found = tns_client.get(reverse("admin:custom_requests_customrequest_changelist") + "?status__exact=disputed")
    assert [r.pk for r in found.context["cl"].result_list] == [req.pk]
    page = tns_client.get(reverse("admin:custom_requests_customrequest_change", args=[req.pk]))
    assert b"Resolve this dispute" in page.content
    resolve = reverse("admin:moderation_request_resolve", args=[req.pk])
    tns_client.post(resolve, {"outcome": "partially_refunded", "refund": "15.00", "note": ""})
    req.refresh_from_db()
    assert req.status == "disputed"
    with django_capture_on_commit_callbacks(execute=True):
        tns_client.post(resolve, {"outcome": "partially_refunded", "refund": "15.00", "note": "Half the length."})
    req.refresh_from_db()
    assert req.status == "resolved" and req.refunded_minor == 1500
    assert Payment.objects.get().amount_refunded > 0


def test_a_report_is_assigned_to_a_staff_member_from_its_page(tns_client, second_moderator):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    filing = report.filings.get()
    r = tns_client.post(reverse("admin:moderation_report_change", args=[report.pk]), {
        "assigned_to": second_moderator.pk, "filings-TOTAL_FORMS": "1", "filings-INITIAL_FORMS": "1",
        "filings-MIN_NUM_FORMS": "0", "filings-MAX_NUM_FORMS": "1000", "filings-0-id": filing.pk,
        "filings-0-report": report.pk})
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    report.refresh_from_db()
    assert report.assigned_to == second_moderator
    assert AuditLog.objects.filter(action="moderation.report_assigned").exists()
