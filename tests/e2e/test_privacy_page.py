"""The privacy page a fan uses: ask for a copy of their data, download it, then delete the account."""

import re

import pytest
from playwright.sync_api import expect

from fansub.accounts.models import User
from tests.factories import PASSWORD, make_fan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_fan_downloads_their_data_then_deletes_the_account(page, tmp_path, viewport):
    page.set_viewport_size(viewport)
    make_fan(handle="privacy_pat")
    page.goto("/login/")
    page.fill("#id_email", "privacy_pat@example.test")
    page.fill("#id_password", PASSWORD)
    _submit(page, "main button[type=submit]")
    page.goto("/account/privacy/")
    expect(page.get_by_role("heading", name="Privacy and your data")).to_be_visible()

    ask = page.locator("form", has=page.locator("input[name=action][value=request]"))
    ask.locator("select[name=kind]").select_option("access")
    ask.locator("input[name=password]").fill("not my password")
    _submit(page, "form:has(input[value=request]) button[type=submit]")
    expect(page.locator("small.field-error", has_text="Enter your current password")).to_be_visible()

    ask = page.locator("form", has=page.locator("input[name=action][value=request]"))
    ask.locator("input[name=password]").fill(PASSWORD)
    _submit(page, "form:has(input[value=request]) button[type=submit]")
    row = page.locator("tbody tr", has_text="Access")
    expect(row).to_contain_text("Completed")
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("Download")).click()
    assert download.value.suggested_filename.endswith(".zip")
    page.screenshot(path=str(tmp_path / f"privacy-{viewport['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing spills out

    delete = page.locator("form", has=page.locator("input[name=action][value=delete]"))
    delete.locator("input[name=password]").fill(PASSWORD)
    delete.locator("input[name=confirm]").check()
    _submit(page, "form:has(input[value=delete]) button[type=submit]")
    expect(page.get_by_role("heading", name="Your account is being deleted")).to_be_visible()
    assert User.objects.get(email__startswith="erased-").erased_at is not None
    assert not page.outside_requests
