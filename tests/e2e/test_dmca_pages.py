"""DMCA in the browser: a rights holder files a notice (each missing element shown at its field), the creator sees
it in the studio and sends a counter-notice; at desktop and phone sizes."""

import pytest
from playwright.sync_api import expect

from fansub.media.models import MediaState
from moderation.models import DmcaNotice
from tests.factories import PASSWORD, make_creator
from tests.moderation.dmca_support import png, scene, uploader, use_tmp_storage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, selector="main button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def test_a_notice_then_a_counter_notice_through_the_pages(page, settings, tmp_path,
                                                           django_capture_on_commit_callbacks):
    use_tmp_storage(settings, tmp_path)
    creator = make_creator(handle="sunset_artist")
    item = uploader(django_capture_on_commit_callbacks)(creator, png(scene(61)), name="sunset.png")
    assert item.state == MediaState.READY

    page.goto("/legal/dmca/")
    expect(page.locator("#repeat-infringer-policy")).to_be_visible()
    page.click("text=File a notice")
    page.fill("#id_signature", "/Jane Holder/")
    page.fill("#id_copyrighted_work", "Photograph Sunset 12")
    page.fill("#id_infringing_material", f"{page.url.split('/legal')[0]}/media/{item.public_id}/")
    page.fill("#id_contact_information", "1 Main St, Springfield; +1 555 0100; legal@rights.example")
    page.check("#id_accuracy_statement")
    _submit(page)
    expect(page.get_by_text("Required by law: 512(c)(3)(A)(v) good-faith statement")).to_be_visible()
    page.check("#id_good_faith_statement")
    page.check("#id_accuracy_statement")
    _submit(page)
    expect(page.locator("#dmca-notice-result")).to_be_visible()
    page.screenshot(path=str(tmp_path / "dmca-notice-done.png"), full_page=True)
    notice = DmcaNotice.objects.get(status="disabled")

    page.goto("/login/")
    page.fill("#id_email", creator.email)
    page.fill("#id_password", PASSWORD)
    _submit(page)
    page.goto("/studio/dmca/")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#dmca-notices")).to_contain_text(str(notice.public_id))
    page.click("text=Send a counter-notice")
    expect(page.locator(".dmca-copy")).to_contain_text("Photograph Sunset 12")
    assert "legal@rights.example" not in page.content()
    page.fill("#id_signature", "/Sam Artist/")
    page.fill("#id_removed_material", "My photo, formerly on my page")
    page.check("#id_good_faith_statement")
    page.fill("#id_name", "Sam Artist")
    page.fill("#id_address", "2 Side St, Shelbyville")
    page.fill("#id_phone", "+1 555 0199")
    page.check("#id_jurisdiction_consent")
    _submit(page)
    expect(page.get_by_text("Required by law: 512(g)(3)(D) agreement to accept service")).to_be_visible()
    for box in ("#id_good_faith_statement", "#id_jurisdiction_consent", "#id_service_consent"):
        page.check(box)
    _submit(page)
    expect(page.get_by_text("Counter-notice sent")).to_be_visible()
    expect(page.locator("#dmca-notices")).to_contain_text("restore window")
    page.screenshot(path=str(tmp_path / "dmca-studio-phone.png"), full_page=True)
    assert not page.outside_requests
