"""What a person sees: sign-up with in-place errors, log out and in, the safe home page, offline API docs."""

import re

import pytest
from playwright.sync_api import expect

from fansub.accounts.models import FanProfile, User
from tests.factories import PASSWORD, make_creator, make_fan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase-7"
HOME = re.compile(r"^http://[^/]+/$")


def _submit(page, selector="main button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def _fill_signup(page, *, handle, attest):
    page.fill("#id_email", f"{handle}@example.test")
    page.fill("#id_handle", handle)
    page.fill("#id_password", NEW_PASSWORD)
    page.check("input[name=role][value=fan]")
    page.select_option("#id_country", "GB")
    page.set_checked("#id_attests_adult", attest)
    _submit(page)


def _log_in(page, email, password):
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    _submit(page)


def _drawn_between(page, error, above, below):
    """The error is drawn under the field it is about and before the next field: shown in place."""
    y = page.locator(error).bounding_box()["y"]
    return page.locator(above).bounding_box()["y"] < y < page.locator(below).bounding_box()["y"]


def test_sign_up_as_a_fan_with_errors_in_place_then_log_out_and_in(page, tmp_path):
    make_fan(handle="taken_name")
    page.goto("/")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/signup/$"))

    _fill_signup(page, handle="taken_name", attest=True)
    taken = page.locator("small.field-error", has_text="This handle is taken.")
    expect(taken).to_be_visible()
    assert _drawn_between(page, "small.field-error >> text=This handle is taken.", "#id_handle", "#id_password")
    expect(page.locator("#id_email")).to_have_value("taken_name@example.test")  # what was typed is kept

    _fill_signup(page, handle="new_fan", attest=False)
    refusal = page.locator("small.field-error", has_text="You must be 18 or older to use Fan-Sub.")
    expect(refusal).to_be_visible()
    assert _drawn_between(page, "small.field-error >> text=You must be 18 or older", "#id_attests_adult",
                          "main button[type=submit]")
    assert not User.objects.filter(handle="new_fan").exists()
    page.screenshot(path=str(tmp_path / "signup-errors.png"), full_page=True)

    _fill_signup(page, handle="new_fan", attest=True)
    expect(page).to_have_url(re.compile(r"/welcome/$"))  # the first-run path, not the marketing page
    expect(page.get_by_role("status").filter(has_text="Welcome to Fan-Sub, @new_fan.")).to_be_visible()
    expect(page.locator("header").get_by_text("@new_fan")).to_be_visible()
    assert User.objects.get(handle="new_fan").role == "fan"
    page.screenshot(path=str(tmp_path / "home-welcome.png"), full_page=True)

    _submit(page, "header >> text=Log out")
    expect(page.get_by_role("status").filter(has_text="You are logged out.")).to_be_visible()
    expect(page.locator("header").get_by_text("@new_fan")).to_have_count(0)

    _submit(page, "header >> text=Log in")
    _log_in(page, "new_fan@example.test", NEW_PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.locator("header").get_by_text("@new_fan")).to_be_visible()
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
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="@sunny_painter")).to_have_count(1)
    assert "after_dark" not in page.content()
    expect(page.locator(".badge.adult")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "home-anonymous.png"), full_page=True)

    page.goto("/login/")
    _log_in(page, fan.email, PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.locator("header").get_by_text("@plain_fan")).to_be_visible()
    expect(cards).to_have_count(2)
    assert "after_dark" not in page.content()
    assert page.goto("/c/after_dark/").status == 403  # by its address: the 18+ gate, nothing of the page
    expect(page.get_by_role("heading", name="This creator's page is for adults only")).to_be_visible()
    assert "After_Dark" not in page.content()
    page.goto("/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "home-fan-phone.png"), full_page=True)
    assert not page.outside_requests


def test_api_docs_render_offline(page):
    response = page.goto("/api/docs/", wait_until="networkidle")
    assert response.status == 200
    assert page.outside_requests == [], f"the docs page asked hosts off this machine: {page.outside_requests}"
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fan-Sub API")
    expect(page.locator(".opblock").first).to_be_visible()  # operations read from the schema served here
