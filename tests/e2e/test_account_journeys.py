"""Account journeys in the browser: a phone fan signs up, lands on the first-run page, finds a creator by tag,
hears about a new post through the notification centre; the phone menu; the 18+ gate; one-round sign-up errors."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fansub.accounts.models import User
from fansub.accounts.services import accounts
from tests.factories import make_creator, make_post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _open_menu(page) -> None:
    toggle = page.get_by_role("button", name=re.compile(r"^Menu"))
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def test_phone_fan_signs_up_finds_a_creator_and_opens_a_notification(page):
    painter = make_creator(handle="ada_paints")
    accounts.update_creator_profile(painter, {"display_name": "Ada Paints", "tags": "watercolour", "category": "art"})
    make_creator(handle="drummer")
    page.set_viewport_size(PHONE)

    page.goto("/signup/")
    page.fill("#id_email", "phone_fan@example.test")
    page.fill("#id_handle", "phone_fan")
    page.fill("#id_password", "a-long-and-unusual-passphrase-7")
    page.check("input[name=role][value=fan]")
    page.select_option("#id_country", label="United Kingdom")
    page.check("#id_attests_adult")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", name="Welcome, @phone_fan")).to_be_visible()
    expect(page.get_by_role("button", name="Verify your age")).to_be_visible()  # a link styled as a button
    _no_sideways_scroll(page)
    _shot(page, "welcome-phone")

    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Find creators").click()
    page.get_by_label("Name, handle or tag").fill("watercolour")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    cards = page.locator(".grid-cards article")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Ada Paints")
    with page.expect_navigation():
        cards.first.get_by_role("link", name="Ada Paints").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Follow")).click()

    post = make_post(painter, public=True, text="Harbour at dawn")  # the creator publishes
    page.goto("/")
    _open_menu(page)
    link = page.get_by_role("link", name=re.compile(r"Notifications.*1 unread"))
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page.get_by_role("button", name=re.compile("New post from @ada_paints"))).to_be_visible()
    _no_sideways_scroll(page)
    _shot(page, "notifications-phone")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("New post from @ada_paints")).click()
    expect(page).to_have_url(re.compile(rf"/p/{post.pk}/$"))
    _open_menu(page)
    expect(page.get_by_role("link", name=re.compile(r"unread"))).to_have_count(0)
    assert User.objects.get(handle="phone_fan").notifications.filter(read_at__isnull=True).count() == 0


def test_phone_menu_collapses_and_links_show_a_focus_outline(page):
    make_creator(handle="ada_paints")
    page.set_viewport_size(PHONE)
    page.goto("/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 90  # one line: brand and the Menu button
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#main-menu")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    creators = page.locator("#main-menu").get_by_role("link", name="Creators")
    expect(creators).to_be_visible()
    _shot(page, "menu-open-phone")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), "
                            "getComputedStyle(document.activeElement).outlineStyle, "
                            "getComputedStyle(document.activeElement).outlineWidth]")
    assert focused[0] == "Creators" and focused[1] == "solid" and focused[2] == "3px"
    page.keyboard.press("Escape")
    expect(page.locator("#main-menu")).to_be_hidden()
    _no_sideways_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("#main-menu").get_by_role("link", name="Creators")).to_be_visible()


def test_anonymous_visitor_meets_the_18_plus_gate_and_signup_errors_come_at_once(page):
    make_creator(handle="after_dark", adult=True)
    response = page.goto("/c/after_dark/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This creator's page is for adults only")).to_be_visible()
    _shot(page, "adult-gate")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Sign up").click()
    page.fill("#id_email", "not-an-email")
    page.fill("#id_handle", "x")
    page.fill("#id_password", "short")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    errors = page.locator("small.field-error")
    assert errors.count() >= 4  # email, handle, password and the 18+ attestation, in one round
    expect(page.get_by_text("You must be 18 or older to use Fan-Sub.")).to_be_visible()
    _shot(page, "signup-all-errors")
