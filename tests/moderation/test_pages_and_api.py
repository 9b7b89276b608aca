"""Report pages (signed in and public), the appeal page, the transparency page and the API."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from fansub.accounts.models import User
from moderation.models import Report
from moderation.services import actions, reports
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db


def test_signed_in_report_form(client):
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    client.force_login(fan)
    assert client.get(reverse("report", args=["post", post.pk])).status_code == 200
    r = client.post(reverse("report", args=["post", post.pk]), {"category": "spam", "details": "ads"})
    assert r.status_code == 302 and Report.objects.get().filings.get().reporter == fan
    r = client.post(reverse("report", args=["post", 999999]), {"category": "spam"})
    assert r.status_code == 200 and b"Nothing to report there" in r.content


def test_report_form_needs_a_sign_in_and_a_known_kind(client):
    creator = make_creator()
    post = make_post(creator, public=True)
    assert client.get(reverse("report", args=["post", post.pk])).status_code == 302
    client.force_login(make_fan())
    assert client.get(reverse("report", args=["planet", 1])).status_code == 404


def test_public_report_form(client):
    make_creator(handle="faker")
    r = client.post(reverse("public-report"), {"target_kind": "profile", "target_id": "faker",
                                               "category": "impersonation", "contact_email": "x@example.org"})
    assert r.status_code == 302
    assert Report.objects.get().source == "public"
    r = client.post(reverse("public-report"), {"target_kind": "profile", "target_id": "faker", "category": "bad"})
    assert r.status_code == 200 and not Report.objects.filter(category="bad").exists()


def test_transparency_page_counts(client, moderator):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    actions.take_action(moderator, report.pk, kind="dismiss", reason="fine")
    r = client.get(reverse("transparency"))
    assert r.status_code == 200
    counts = r.context["counts"]
    assert dict(counts["reports_by_category"])["Spam"] == 1 and dict(counts["actions_by_kind"])["Dismiss"] == 1
    assert "DMCA notices received" in r.content.decode()
    assert (counts["dmca_notices"], counts["dmca_restorations"], counts["hash_match_quarantines"]) == (0, 0, 0)
    assert client.get(reverse("transparency") + "?year=abc").status_code == 200


def test_api_report_and_appeal(api_client, moderator):
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    api_client.force_authenticate(fan)
    r = api_client.post("/api/v1/reports/", {"target_kind": "post", "target_id": str(post.pk),
                                             "category": "harassment"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    assert api_client.post("/api/v1/reports/", {"target_kind": "post", "target_id": "999999",
                                                "category": "spam"}, format="json").status_code == 404
    assert api_client.post("/api/v1/reports/", {"target_kind": "x", "target_id": "1",
                                                "category": "spam"}, format="json").status_code == 400
    action = actions.take_action(moderator, Report.objects.get().pk, kind="remove_content", reason="Insults.")
    url = f"/api/v1/moderation/actions/{action.public_id}/appeal/"
    assert api_client.post(url, {"statement": "Not mine to appeal here."}, format="json").status_code == 404
    api_client.force_authenticate(creator)
    r = api_client.post(url, {"statement": "Please review this again."}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    r = api_client.post(url, {"statement": "Please review this again."}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "APPEAL_NOT_ALLOWED"


def test_appeal_page(client, moderator):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="post", target_id=str(make_post(creator).pk), category="spam")
    action = actions.take_action(moderator, report.pk, kind="remove_content", reason="Spam.")
    client.force_login(creator)
    r = client.post(reverse("appeal", args=[action.public_id]), {"statement": "It was not spam at all."})
    assert r.status_code == 200 and b"Appeal received" in r.content and action.appeal.status == "pending"


def test_a_banned_account_appeals_through_the_signed_link(client, moderator, django_capture_on_commit_callbacks):
    creator, fan = make_creator(), make_fan()
    report = reports.file_report(fan, target_kind="profile", target_id=str(creator.pk), category="impersonation")
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.take_action(moderator, report.pk, kind="ban", reason="Impersonates a chef.")
    creator.refresh_from_db()
    assert not creator.is_active
    notice = next(m.body for m in mail.outbox if m.to == [creator.email])
    link = re.search(r"(/moderation/appeal/\S+)", notice).group(1)
    url = reverse("appeal", args=[action.public_id])
    assert client.get(url).status_code == 302  # no link, not signed in: log in first
    assert client.post(url + "?t=forged", {"statement": "Let me in please."}).status_code == 302
    r = client.post(link, {"statement": "I am the real chef, here is why."})
    assert r.status_code == 200 and b"Appeal received" in r.content
    other = actions.act_on_account(moderator, make_fan(), kind="restrict", reason="Spam.", rule="spam")
    assert client.post(reverse("appeal", args=[other.public_id]) + "?" + link.split("?")[1],
                       {"statement": "A token for another decision."}).status_code == 302


def test_demo_has_trust_and_safety_staff_and_a_queue(capsys, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    out = capsys.readouterr().out
    assert "trust@demo.fansub.local" in out and "childsafety@demo.fansub.local" in out
    assert User.objects.get(handle="child_safety").groups.filter(name="Child safety").exists()
    assert Report.objects.filter(category="non_consensual").get().filings_count == 2
    assert Report.objects.get(category="non_consensual").snapshot["media"]
