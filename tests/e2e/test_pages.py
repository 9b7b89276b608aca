"""What a person sees: sign-up with in-place errors, log out and in, the safe home page, offline API docs."""

from urllib.parse import urlparse

import pytest

from fansub.models import FanProfile, User
from tests.factories import PASSWORD, make_creator, make_fan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase-7"


def _fill_signup(page, *, handle, attest):
    page.fill("#id_email", f"{handle}@example.test")
    page.fill("#id_handle", handle)
    page.fill("#id_password", NEW_PASSWORD)
    page.check("input[name=role][value=fan]")
    page.fill("#id_country", "GB")
    if attest:
        page.check("#id_attests_adult")
    else:
        page.uncheck("#id_attests_adult")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _between(page, error, above, below):
    """The error is drawn under the field it is about and before the next field: shown in place."""
    err = page.locator(error).bounding_box()
    return page.locator(above).bounding_box()["y"] < err["y"] < page.locator(below).bounding_box()["y"]


def test_sign_up_as_a_fan_with_errors_in_place_then_log_out_and_in(page, tmp_path):
    make_fan(handle="taken_name")
    page.goto("/")
    page.click("header >> text=Sign up")
    assert page.url.endswith("/signup/")

    _fill_signup(page, handle="taken_name", attest=True)
    error = page.locator("small.field-error", has_text="This handle is taken.")
    assert error.is_visible()
    assert _between(page, "small.field-error >> text=This handle is taken.", "#id_handle", "#id_password")
    assert page.input_value("#id_email") == "taken_name@example.test"  # what was typed is kept

    _fill_signup(page, handle="new_fan", attest=False)
    refusal = page.get_by_text("You must be 18 or older to use Fan-Sub.")
    assert refusal.is_visible()
    assert _between(page, "text=You must be 18 or older to use Fan-Sub.", "#id_attests_adult",
                    "main button[type=submit]")
    assert not User.objects.filter(handle="new_fan").exists()

    page.screenshot(path=str(tmp_path / "signup-errors.png"), full_page=True)

    _fill_signup(page, handle="new_fan", attest=True)
    assert urlparse(page.url).path == "/"  # home
    assert page.get_by_role("status").filter(has_text="Welcome to Fan-Sub, @new_fan.").is_visible()
    assert page.locator("header").get_by_text("@new_fan").is_visible()
    assert User.objects.get(handle="new_fan").role == "fan"
    page.screenshot(path=str(tmp_path / "home-welcome.png"), full_page=True)

    page.click("header >> text=Log out")
    assert page.get_by_role("status").filter(has_text="You are logged out.").is_visible()
    assert page.locator("header").get_by_text("@new_fan").count() == 0

    page.click("header >> text=Log in")
    page.fill("#id_email", "new_fan@example.test")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("header").get_by_text("@new_fan").is_visible()
    assert not page.outside_requests


def test_home_page_shows_no_adult_creator_to_visitors_or_unverified_fans(page, tmp_path):
    make_creator(handle="sunny_painter", adult=False)
    make_creator(handle="morning_yoga", adult=False)
    make_creator(handle="after_dark", adult=True)
    fan = make_fan(handle="plain_fan")
    # Even with safe mode off, a fan without a passing age check must not see adult creators.
    FanProfile.objects.filter(user=fan).update(safe_mode=False)

    page.goto("/")
    cards = page.locator(".card")
    assert cards.filter(has_text="@sunny_painter").count() == 1
    assert "after_dark" not in page.content() and page.locator(".badge.adult").count() == 0
    page.screenshot(path=str(tmp_path / "home-anonymous.png"), full_page=True)

    page.goto("/login/")
    page.fill("#id_email", fan.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("header").get_by_text("@plain_fan").is_visible()
    assert cards.filter(has_text="@sunny_painter").count() == 1
    assert "after_dark" not in page.content()
    assert page.goto("/c/after_dark/").status == 404  # not by its address either
    page.goto("/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "home-fan-phone.png"), full_page=True)
    assert not page.outside_requests


def test_api_docs_render_offline(page):
    response = page.goto("/api/docs/", wait_until="networkidle")
    assert response.status == 200
    assert page.outside_requests == [], f"the docs page asked hosts off this machine: {page.outside_requests}"
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Fan-Sub API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock")  # the operations were read from the schema served here
    assert page.outside_requests == [], f"the docs page asked hosts off this machine: {page.outside_requests}"
