"""A Trust & Safety demo user works the queue in the admin: logs in with a backup token, opens the worst
report, reveals the reported media (audited), and removes the content with a reason."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fansub.accounts.models import User
from fansub.demo.constants import DEMO_PASSWORD
from fansub.posts.models import Post
from governance.models import AuditLog
from governance.services import two_factor
from moderation.demo import DEMO_POST_TEXT
from moderation.models import Report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}
    call_command("load_demo", stdout=io.StringIO())


def test_trust_and_safety_user_works_the_queue(page, demo):
    tns = User.objects.get(email="trust@demo.fansub.local")
    token = two_factor.regenerate_backup_tokens(tns, actor=None)[0]
    page.goto("/admin/login/")
    page.fill("#id_username", tns.email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.fill("#id_otp_token", token)
    with page.expect_navigation():
        page.click("input[type=submit]")

    page.goto("/admin/moderation/report/")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_contain_text("Non-consensual content")  # the worst first
    expect(rows.first).to_contain_text("h left")
    with page.expect_navigation():
        rows.first.locator("th a").click()

    expect(page.locator("[data-testid=snapshot-text]")).to_have_text(DEMO_POST_TEXT)
    figure = page.locator("figure.moderation-media").first
    expect(figure).to_have_attribute("data-revealed", "no")
    with page.expect_navigation():
        figure.get_by_role("button", name="Reveal").click()
    figure = page.locator("figure.moderation-media").first
    expect(figure).to_have_attribute("data-revealed", "yes")
    image = figure.locator("img")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert AuditLog.objects.filter(action="moderation.media_revealed", actor=tns).count() == 1

    page.select_option("#id_kind", "remove_content")
    page.fill("#id_reason", "Posted without the consent of the person shown.")
    with page.expect_navigation():
        page.click("input[name=decide]")
    expect(page.locator(".messagelist")).to_contain_text("Decision recorded")
    report = Report.objects.get(category="non_consensual")
    assert report.status == "removed"
    assert Post.objects.get(text=DEMO_POST_TEXT).status == "removed"
    assert AuditLog.objects.filter(action="moderation.remove_content", actor=tns).exists()
