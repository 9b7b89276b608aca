"""Demo content for subscriptions, posts, messages, tips, PPV and custom requests.

Everything goes through the real services and the payment simulator, so the ledger, receipts and
events are as real as a fan's purchase. Idempotent: the step does nothing once the demo creator
has tiers. (It cannot run in one transaction: payments refuses to call a provider inside one.)
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fansub.accounts.models import FanProfile, Follow, Role
from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests
from fansub.demo.constants import DEMO_PASSWORD
from fansub.messaging.models import MessageThread
from fansub.messaging.services import mass_delivery, mass_messages
from fansub.messaging.services import messages as messaging
from fansub.offers.models import Tier
from fansub.offers.services import tiers as offer
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.purchases.services import ppv, tips
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import renewals, subscriptions
from governance.services import two_factor
from payments.money import Money

User = get_user_model()

# Simulator cards whose issuing country matches each demo fan's billing country (tax evidence).
CARDS = {"GB": "4000008260000000", "DE": "4000002760000016", "US": "4242424242424242"}
DECLINE = "4000000000000002"
REQUEST_TEXT = {
    "photo_set": "A photo set of a rainy-day ramen from scratch, step by step, ten pictures please.",
    "video": "A short video showing how you fold dumplings, about two minutes long, friendly tone.",
}


def _card(fan: Any) -> str:
    return CARDS.get(fan.fan_profile.country, CARDS["US"])


def load_commerce(report: Any) -> None:
    chef = User.objects.get(handle="chef_marco")
    if Tier.objects.filter(creator=chef).exists():
        return
    vera, nico, dieter = (User.objects.get(handle=h) for h in ("vera_fan", "nico_fan", "dieter_fan"))
    eve, _ = _ensure_fan("eve.fan@demo.fansub.local", "eve_fan", "US", "US-NY", report)
    gbp = "GBP"
    free = offer.create_tier(chef, name="Free Recipes", price=Money(0, gbp), benefits="A recipe every Sunday.")
    kitchen = offer.create_tier(chef, name="Kitchen Pass", price=Money(499, gbp), display_order=1,
                                benefits="All weekly recipes and Friday live Q&A.")
    table = offer.create_tier(chef, name="Chef's Table", price=Money(1499, gbp), member_cap=50, display_order=2,
                              benefits="Everything, plus monthly private cooking class.")
    offer.set_bundle(chef, kitchen.pk, months=3, discount_percent=10)
    offer.set_bundle(chef, kitchen.pk, months=12, discount_percent=25)
    now = timezone.now()
    trial = offer.create_trial_link(chef, kitchen.pk, days=7, max_claims=100, expires_at=now + timedelta(days=60))
    promo = offer.create_promotion(chef, kitchen.pk, kind="percent_off", percent_off=30, for_new=True,
                                   for_expired=True, periods=1, max_claims=500, starts_at=now - timedelta(days=1),
                                   ends_at=now + timedelta(days=30))
    report.notes.append(f"Trial link code: {trial.code}  ·  promotion code: {promo.code}")

    def post(text: str, **audience: Any) -> Any:
        price = audience.pop("ppv", None)
        return posts.create_post(chef, PostInput(text=text, audience=AudienceSpec(
            ppv_price=Money(price, gbp) if price else None, **audience)))

    welcome = post("Welcome to my kitchen! Free recipes every Sunday for everyone.", public=True)
    posts.set_pinned(chef, welcome.pk, True)
    post("Followers: my grandmother's focaccia, with the trick nobody tells you.", followers=True)
    post("Subscribers: this week's menu plan and shopping list.", subscribers=True)
    post("Chef's Table only: the full tasting-menu video from Saturday.", tier_ids=(table.pk,))
    ppv_post = post("Pay-per-view: my restaurant's secret ragù recipe, step by step.", ppv=300)
    post("Kitchen Pass or buy it: knife skills masterclass.", tier_ids=(kitchen.pk,), ppv=500)
    posts.create_post(chef, PostInput(text="Scheduled: Christmas menu reveal.", audience=AudienceSpec(public=True),
                                      publish_at=now + timedelta(days=3)))

    # Subscriptions in every state.
    subscriptions.subscribe(vera, kitchen.pk, payment_method=_card(vera), idempotency_key="demo-vera",
                            promotion_code=promo.code)
    nico_sub = subscriptions.subscribe(nico, kitchen.pk, payment_method=_card(nico),
                                       idempotency_key="demo-nico").subscription
    Subscription.objects.filter(pk=nico_sub.pk).update(payment_method=DECLINE)
    renewals.attempt_renewal(nico_sub.pk, nico_sub.current_period_end + timedelta(minutes=1))  # → past due
    eve_sub = subscriptions.subscribe(eve, free.pk, payment_method="", idempotency_key="demo-eve").subscription
    subscriptions.cancel(eve, eve_sub.pk)
    renewals.expire_due(eve_sub.current_period_end + timedelta(minutes=1))  # → expired, now a follower
    subscriptions.claim_trial(eve, trial.code, continue_after_trial=False)  # expired fans may trial
    dieter_sub = subscriptions.subscribe(dieter, table.pk, payment_method=_card(dieter),
                                         idempotency_key="demo-dieter").subscription
    subscriptions.cancel(dieter, dieter_sub.pk)
    Follow.objects.get_or_create(fan=nico, creator=chef)

    # Messages, a paid message, a mass message, tips and a PPV purchase.
    first = messaging.start_conversation(vera, chef, "Hi Marco! Could you do a vegetarian version of the ragù?")
    messaging.send(chef, first.thread_id, "Absolutely — mushrooms and walnuts. I'll post it next week.")
    paid = ppv.send_paid_message(chef, first.thread_id, text="Here is the vegetarian ragù card, just for you.",
                                 price=Money(250, gbp))
    ppv.buy_message(vera, paid.pk, payment_method=_card(vera))
    tips.send_tip(vera, chef, Money(500, gbp), idempotency_key="demo-tip-1", payment_method=_card(vera),
                  note="Loved the focaccia!", post_id=welcome.pk)
    dieter_thread = MessageThread.objects.get_or_create(fan=dieter, creator=chef)[0]
    tips.send_tip(dieter, chef, Money(300, gbp), idempotency_key="demo-tip-2", payment_method=_card(dieter),
                  note="Danke!", thread_id=dieter_thread.pk, anonymous=True)
    ppv.buy_post(nico, ppv_post.pk, payment_method=_card(nico))
    mass = mass_messages.queue(chef, text="New recipe drop this Sunday — see you there!", segment="subscribers")
    mass_delivery.deliver(mass.pk)

    _requests(chef, vera, nico, dieter, eve)


def _ensure_fan(email: str, handle: str, country: str, region: str, report: Any) -> tuple[Any, bool]:
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, handle=handle, password=DEMO_PASSWORD, role=Role.FAN)
        FanProfile.objects.create(user=user, country=country, region=region)
    report.logins.append((email, "fan", "expired then trialing subscriber"))
    return user, created


def _requests(chef: Any, vera: Any, nico: Any, dieter: Any, eve: Any) -> None:
    """Custom requests in every state."""
    custom_requests.configure(chef, enabled=True, min_prices={"photo_set": 2000, "video": 5000}, turnaround_days=7,
                              slots=10, prohibited_topics=["alcohol"])
    staff = User.objects.filter(is_staff=True).order_by("pk").first() or User.objects.create_user(
        email="ops@demo.fansub.local", handle="ops_staff", password=None, role=Role.STAFF, is_staff=True)
    if not two_factor.has_confirmed_device(staff):
        two_factor.regenerate_backup_tokens(staff)
    staff = two_factor.as_verified_by_own_device(staff)  # Trust & Safety resolves after a second factor

    def new(fan: Any, kind: str = "photo_set", price: int = 2500) -> CustomRequest:
        return custom_requests.submit(fan, chef, kind=kind, description=REQUEST_TEXT[kind],
                                      price=Money(price, "GBP"), desired_by=None, payment_method=_card(fan))

    new(nico)                                                                   # submitted
    countered = new(dieter, "video", 5000)
    custom_requests.counter(chef, countered.pk, price=Money(6500, "GBP"), note="Two minutes is a lot of editing.")
    custom_requests.accept(chef, new(vera).pk)                                  # accepted (held)
    delivered = new(vera, "video", 5500)
    custom_requests.accept(chef, delivered.pk)
    custom_requests.deliver(chef, delivered.pk, note="Enjoy the dumplings!")    # delivered
    done = new(vera)
    custom_requests.accept(chef, done.pk)
    custom_requests.deliver(chef, done.pk, note="Ten rainy-day ramen shots.")
    custom_requests.approve(vera, done.pk)                                      # completed
    custom_requests.decline(chef, new(eve).pk, note="Fully booked this month.")  # declined
    custom_requests.withdraw(nico, new(nico, "video", 5000).pk)                 # withdrawn
    stale = new(dieter)
    CustomRequest.objects.filter(pk=stale.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    late = new(eve)
    custom_requests.accept(chef, late.pk)
    CustomRequest.objects.filter(pk=late.pk).update(deliver_by=timezone.now() - timedelta(minutes=1))
    custom_requests.run_request_deadlines()                                      # expired + refunded
    disputed = new(dieter)
    custom_requests.accept(chef, disputed.pk)
    custom_requests.deliver(chef, disputed.pk, note="Here you go.")
    custom_requests.dispute(dieter, disputed.pk, "Only five pictures instead of ten.")  # disputed
    resolved = new(vera, "video", 5000)
    custom_requests.accept(chef, resolved.pk)
    custom_requests.deliver(chef, resolved.pk, note="Dumpling video.")
    custom_requests.dispute(vera, resolved.pk, "The video is one minute, not two.")
    custom_requests.resolve(staff, resolved.pk, outcome="partially_refunded", note="Half the length: half back.",
                            refund=Money(2500, "GBP"))                          # resolved
