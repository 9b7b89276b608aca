"""The creator's journey through the studio, in chromium at desktop and phone sizes: a verified creator creates a
tier, a post with an image and a video, a scheduled post, a promotion and a priced mass message; a fan buys
(arranged through the services); the dashboard chart shows the sales. Screenshots go to var/e2e-screenshots/."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fansub.messaging.models import Message
from fansub.offers.models import Promotion
from fansub.posts.models import Post
from fansub.purchases.services import ppv
from fansub.subscriptions.services import subscriptions
from tests.factories import PASSWORD, make_creator, make_fan
from tests.media import corpus

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
CARD = "4242424242424242"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private-media"), "base_url": "/media/private/"}}}


def _submit(page, button):
    with page.expect_navigation():
        button.click()


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"studio-{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"studio-{name}-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size(DESKTOP)
    return overflow


def _local(dt):
    return dt.strftime("%Y-%m-%dT%H:%M")


def test_creator_studio_journey(page, tmp_path):
    creator = make_creator(handle="studio_star", country="US", verified=True)
    page.set_viewport_size(DESKTOP)
    page.goto("/login/")
    page.fill("#id_email", creator.email)
    page.fill("#id_password", PASSWORD)
    _submit(page, page.locator("main button[type=submit]"))

    # 1. A tier.
    page.goto("/studio/tiers/")
    page.fill("#name", "Gold")
    page.fill("#price", "10.00")
    _submit(page, page.get_by_role("button", name="Create tier"))
    expect(page.locator("table")).to_contain_text("Gold")

    # 2. Media into the vault (an image and a video), then a post carrying both.
    image, video = tmp_path / "photo.jpg", tmp_path / "clip.mp4"
    image.write_bytes(corpus.jpeg_with_gps())
    video.write_bytes(corpus.mp4_bytes(tmp_path))
    page.goto("/media/upload/")
    for n, path in enumerate((image, video), start=1):  # one at a time: the test database takes one writer
        page.set_input_files("input[name=file]", str(path))
        page.get_by_role("button", name="Upload").click()
        expect(page.locator("#upload-list li")).to_have_count(n)
        expect(page.locator("#upload-list li").nth(n - 1)).to_contain_text(re.compile("ready|processing|uploaded"),
                                                                           timeout=30_000)
    page.goto("/studio/vault/")
    cards = page.locator(".vault-grid li")
    expect(cards).to_have_count(2)
    expect(page.locator(".vault-grid img")).to_have_count(2)  # thumbnails (the video's poster frame too)
    assert _shoot(page, "vault") <= 1

    page.goto("/studio/compose/")
    page.fill("#text", "A photo and a clip for Gold members")
    page.get_by_label(re.compile("Subscribers of Gold")).check()
    for box in page.locator("input[name=media]").all():
        box.check()
    _submit(page, page.get_by_role("button", name="Publish or schedule"))
    expect(page.locator("#post-state")).to_contain_text("Published")
    post = Post.objects.get(creator=creator, text__startswith="A photo")
    assert post.status == "published"

    # 3. A scheduled post.
    page.goto("/studio/compose/")
    page.fill("#text", "Coming on Friday")
    page.get_by_label("Everyone (public)").check()
    page.fill("#publish_at", _local(timezone.now() + timedelta(days=3)))
    _submit(page, page.get_by_role("button", name="Publish or schedule"))
    expect(page.locator("#post-state")).to_contain_text("Scheduled")
    page.goto("/studio/posts/")
    expect(page.locator("#scheduled")).to_contain_text("Coming on Friday")
    assert _shoot(page, "posts") <= 1

    # 4. A promotion.
    page.goto("/studio/offers/")
    page.select_option("#p-kind", "percent_off")
    page.fill("#p-percent", "20")
    page.fill("#p-start", _local(timezone.now() - timedelta(hours=1)))
    page.fill("#p-end", _local(timezone.now() + timedelta(days=14)))
    _submit(page, page.get_by_role("button", name="Create promotion"))
    expect(page.locator("#promotions")).to_contain_text("running")
    promo = Promotion.objects.get(creator=creator)
    assert _shoot(page, "offers") <= 1

    # A fan takes the promotion (arranged through the services): $8.00, not the $10.00 list price.
    fan = make_fan(handle="first_fan", country="US", region="US-OR")
    subscriptions.subscribe(fan, promo.tier_id, payment_method=CARD, idempotency_key="journey-sub",
                            promotion_code=promo.code)

    # 5. A priced mass message to subscribers, the segment count shown before sending.
    page.goto("/studio/mass-message/")
    expect(page.locator('[data-segment="subscribers"]')).to_have_text("1")
    page.check("input[name=segment][value=subscribers]")
    page.fill("#text", "Behind the scenes, just for you")
    page.fill("#price", "6.00")
    page.locator("input[name=media]").first.check()
    _submit(page, page.get_by_role("button", name="Send to segment"))
    expect(page.locator("main")).to_contain_text("$6.00")
    assert _shoot(page, "mass-message") <= 1
    message = Message.objects.get(thread__fan=fan, mass_message__isnull=False)
    ppv.buy_message(fan, message.pk, payment_method=CARD)  # the fan unlocks it

    # 6. The dashboard chart shows the sales, with the table behind it.
    page.goto("/studio/")
    chart = page.locator('svg[data-chart="earnings-chart"]')
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Earnings by product")
    expect(chart.locator("rect.bar")).to_have_count(2)  # subscriptions and paid messages, both today
    products = page.locator("#earnings-products")
    expect(products).to_contain_text("Subscriptions")
    expect(products).to_contain_text("$8.00")
    expect(products).to_contain_text("Paid messages")
    expect(products).to_contain_text("$6.00")
    expect(page.locator("#top-fans")).to_contain_text("@first_fan")
    expect(page.locator("#offer-conversion")).to_contain_text(promo.code)
    assert _shoot(page, "dashboard") <= 1
