"""Issue 12: the fan's journey in the browser, at desktop and phone sizes — sign up → age check → subscribe with
3-D Secure → a final image in the feed → tip → unlock a PPV post → pay a custom request → see the delivery →
open the receipt. Screenshots of each step are saved under var/e2e-screenshots/."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as requests_svc
from fansub.media.services import processing, uploads
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from payments.money import Money
from tests.e2e.closing import close_context
from tests.factories import make_creator, make_tier
from tests.media import corpus

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
PASSWORD = "a-long-and-unusual-passphrase-7"
GB_CARD = "4000008260000000"
THREE_DS_CARD = "4000002500003155"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private-media"), "base_url": "/media/private/"}}}


def _ready_photo(creator, seed):
    data = corpus.jpeg_with_gps(seed=seed)
    result = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name=f"p{seed}.jpg",
                                  content_type="image/jpeg")
    item = result.item
    item.refresh_from_db()
    if item.state != "ready":
        processing.process_media_item(item.pk)
        item.refresh_from_db()
    assert item.state == "ready"
    return item


def _creator_world():
    creator = make_creator(handle="studio_ana", country="US", verified=True)
    tier = make_tier(creator, name="Everything", price_minor=999, currency="USD", includes_lower_tiers=True)
    members = _ready_photo(creator, 11)
    posts.create_post(creator, PostInput(text="Members photo", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                         media_ids=(str(members.public_id),)))
    paid = _ready_photo(creator, 12)
    ppv_post = posts.create_post(creator, PostInput(text="Pay-per-view set",
                                                    audience=AudienceSpec(ppv_price=Money(300, "USD")),
                                                    media_ids=(str(paid.public_id),)))
    requests_svc.configure(creator, enabled=True, min_prices={"photo_set": 1000, "video": 2000},
                           turnaround_days=7, slots=5, prohibited_topics=[])
    return creator, tier, ppv_post


def _go(page, action):
    with page.expect_navigation():
        action()


def _shot(page, size, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"fan-{size}-{name}.png"), full_page=True)


def _final_image_loaded(page, scope="main"):
    image = page.locator(f"{scope} img[src*='/s/']").first
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()  # lazy images load when near the viewport
    # The per-viewer watermark is rendered on first delivery: wait for the bytes, then check they decoded.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())


def _pay_with(page, card, button):
    page.fill("#payment_method", card)
    _go(page, lambda: page.locator("main").get_by_role("button", name=button).click())
    if page.locator("input[name=confirmed_country]").count():  # the card's country differs: say where you live
        page.check("input[name=confirmed_country][value=GB]")
        page.fill("#payment_method", card)
        _go(page, lambda: page.locator("main").get_by_role("button", name=button).click())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_fan_journey(browser, live_server, size):
    creator, tier, ppv_post = _creator_world()
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[size])
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    handle = f"journey_{size}"
    try:
        # Sign up.
        page.goto("/signup/")
        page.fill("#id_email", f"{handle}@example.test")
        page.fill("#id_handle", handle)
        page.fill("#id_password", PASSWORD)
        page.check("input[name=role][value=fan]")
        country = page.locator("#id_country")
        if country.evaluate("(el) => el.tagName") == "SELECT":
            country.select_option("GB")
        else:
            country.fill("GB")
        page.set_checked("#id_attests_adult", True)
        _go(page, lambda: page.locator("main button[type=submit]").click())
        # Signed in: the first-run page greets the fan (on a phone the header's links sit behind "Menu").
        expect(page.get_by_role("heading", name=f"Welcome, @{handle}")).to_be_visible()
        _shot(page, size, "01-signed-up")

        # Age check through the (simulated) provider.
        page.goto("/verify/age/")
        page.locator("input[name=method]").first.check()
        _go(page, lambda: page.get_by_role("button", name="Continue to the age check").click())
        _go(page, lambda: page.get_by_role("button", name="Pass (18+)").click())
        page.goto("/verify/age/")
        expect(page.get_by_text("Age verified")).to_be_visible()
        _shot(page, size, "02-age-verified")

        # Subscribe with 3-D Secure.
        page.goto(f"/c/{creator.handle}/")
        expect(page.locator(".media-locked").first).to_be_visible()  # blurred preview before subscribing
        _shot(page, size, "03-creator-locked")
        _go(page, lambda: page.locator(f"a[href='/c/{creator.handle}/subscribe/{tier.pk}/']").first.click())
        expect(page.get_by_text("Total today")).to_be_visible()
        _pay_with(page, THREE_DS_CARD, re.compile(r"^Pay .* and subscribe$"))
        expect(page.get_by_role("heading", name=re.compile("3-D Secure"))).to_be_visible()
        _shot(page, size, "04-3ds")
        _go(page, lambda: page.get_by_role("button", name="Complete authentication").click())
        page.goto(f"/c/{creator.handle}/")
        expect(page.get_by_text("Your tier")).to_be_visible()

        # A final image in the feed.
        page.goto("/feed/")
        expect(page.get_by_text("Members photo")).to_be_visible()
        _final_image_loaded(page)
        _shot(page, size, "05-feed-final")
        page.locator("main a[data-lightbox]").first.click()
        expect(page.locator("dialog.lightbox")).to_be_visible()
        _shot(page, size, "06-lightbox")
        page.keyboard.press("Escape")
        expect(page.locator("dialog.lightbox")).to_be_hidden()

        # Tip, with the total shown before paying.
        page.goto(f"/c/{creator.handle}/tip/")
        page.fill("#amount", "5.00")
        _go(page, lambda: page.get_by_role("button", name="Review total").click())
        expect(page.locator("table.price-table")).to_contain_text("Total")
        _pay_with(page, GB_CARD, re.compile("^Send tip"))
        expect(page.get_by_role("status").filter(has_text="Thank you!")).to_be_visible()
        _shot(page, size, "07-tipped")

        # Unlock the pay-per-view post.
        page.goto(f"/p/{ppv_post.pk}/")
        _go(page, lambda: page.get_by_role("button", name=re.compile(r"^Unlock for")).click())
        expect(page.locator("table.price-table")).to_contain_text("Total")
        _pay_with(page, GB_CARD, re.compile("^Pay"))
        expect(page.get_by_text("Pay-per-view set")).to_be_visible()
        _final_image_loaded(page)
        _shot(page, size, "08-unlocked")

        # Pay for a custom request; the creator accepts and delivers; the fan sees the delivery.
        page.goto(f"/c/{creator.handle}/request/")
        page.select_option("#kind", "photo_set")
        page.fill("#description", "A sunset photo from your balcony, please, in colour.")
        page.fill("#price", "25.00")
        page.fill("#payment_method", GB_CARD)
        _go(page, lambda: page.get_by_role("button", name="Send request").click())
        req = CustomRequest.objects.get(fan__handle=handle)
        requests_svc.accept(creator, req.pk)
        delivered = _ready_photo(creator, 13)
        requests_svc.deliver(creator, req.pk, note="Here is your sunset.", media_ids=[str(delivered.public_id)])
        page.goto(f"/requests/{req.pk}/")
        expect(page.get_by_text("Here is your sunset.")).to_be_visible()
        _final_image_loaded(page)
        _shot(page, size, "09-delivery")
        page.goto("/library/")
        expect(page.locator(f"#library-request-{req.pk}")).to_be_visible()
        expect(page.locator(f"#post-{ppv_post.pk}")).to_be_visible()
        _shot(page, size, "10-library")

        # The receipt.
        page.goto("/payments/purchases/")
        _shot(page, size, "11-purchases")
        _go(page, lambda: page.locator("main table a[href*='/receipts/'], main a[href*='receipt']").first.click())
        expect(page.locator("main")).to_contain_text("$")
        _shot(page, size, "12-receipt")
        # The fan pages of this journey do not scroll sideways (the receipt's own layout is the phone work's).
        wide = {}
        for path in ("/feed/", f"/p/{ppv_post.pk}/", "/library/", f"/c/{creator.handle}/"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > VIEWPORTS[size]["width"] + 1:
                wide[path] = width
        assert wide == {}
    finally:
        close_context(context)
    assert violations == []
