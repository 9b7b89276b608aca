"""Issue 10 pages: a tagged co-performer signs the e-signed release in the browser; a fan accepts a tier's new
price from the subscriptions page. Desktop and phone sizes."""

import pytest
from playwright.sync_api import expect

from fansub.offers.services import tiers
from fansub.posts.models import Post
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import subscriptions
from fansub.verification.models import ElectronicRelease
from fansub.verification.services import performers
from payments.money import Money
from tests.factories import PASSWORD, make_creator, make_fan, make_tier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, user):
    page.goto("/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_tagged_creator_signs_the_release_in_the_browser(page, viewport, tmp_path):
    page.set_viewport_size(viewport)
    creator = make_creator(adult=True, verified=True, handle="lead_star")
    co_star = make_creator(adult=True, verified=True, handle="second_star")
    post = posts.create_post(creator, PostInput(text="our scene", audience=AudienceSpec(public=True)))
    performers.tag_creator(creator, post.pk, "second_star")
    assert Post.objects.get(pk=post.pk).status == "pending"
    release = ElectronicRelease.objects.get(post_id=post.pk)

    _log_in(page, co_star)
    page.goto("/account/releases/")
    with page.expect_navigation():
        page.click(f"#release-{release.pk} a")
    expect(page.locator(".release-text")).to_contain_text("Performer release and consent")
    expect(page.locator(".release-hash")).to_have_text(performers.release_text_sha256(release))
    page.fill("#id_signature_name", "Second Star")
    with page.expect_navigation():
        page.click("button[value=sign]")
    expect(page.locator("#id_consent")).to_be_visible()  # consent is required: the form comes back
    page.check("#id_consent")
    page.fill("#id_signature_name", "Second Star")
    with page.expect_navigation():
        page.click("button[value=sign]")
    expect(page.locator(".release-status")).to_have_text("Signed")
    page.screenshot(path=str(tmp_path / f"release-{viewport['width']}.png"), full_page=True)
    release.refresh_from_db()
    assert release.status == "signed" and release.signed_ip == "127.0.0.1"
    assert Post.objects.get(pk=post.pk).status == "published"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_fan_accepts_a_new_tier_price_in_the_browser(page, viewport, tmp_path):
    page.set_viewport_size(viewport)
    creator = make_creator(country="US", verified=True)
    tier = make_tier(creator, price_minor=500)
    fan = make_fan(country="US", region="US-NY")
    sub = subscriptions.subscribe(fan, tier.pk, payment_method="4242424242424242", idempotency_key="e2e").subscription
    tiers.update_tier(creator, tier.pk, price=Money(4999, "USD"))

    _log_in(page, fan)
    page.goto("/account/subscriptions/")
    offer = page.locator(f"#price-change-{sub.pk}")
    expect(offer.locator(".old-price")).to_have_text("$5.00")
    expect(offer.locator(".new-price")).to_have_text("$49.99")
    with page.expect_navigation():
        offer.locator("button").click()
    expect(page.get_by_text("New price accepted")).to_be_visible()
    expect(page.locator(f"#price-change-{sub.pk}")).to_have_count(0)
    page.screenshot(path=str(tmp_path / f"price-{viewport['width']}.png"), full_page=True)
    assert Subscription.objects.get(pk=sub.pk).price_minor == 4999
