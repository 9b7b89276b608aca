"""Pages: subscribe/checkout, the fan's subscriptions, the creator's subscribers."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from fansub.accounts.models import Role
from fansub.offers import selectors as offer_selectors
from fansub.offers.models import Tier
from fansub.posts import selectors
from fansub.purchases.services import billing
from fansub.studio import selectors as studio_selectors
from fansub.subscriptions.selectors import creator_subscribers, fan_subscriptions
from fansub.subscriptions.services import subscriptions
from payments.money import Money


def _checkout_context(request: HttpRequest, tier: Tier, months: int, promo: str) -> dict:
    context = {"tier": tier, "months": months, "promo": promo, "bundles": tier.bundles.filter(is_active=True),
               "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex}
    try:
        context["quote"] = subscriptions.quote_subscription(request.user, tier.pk, months=months,
                                                            promotion_code=promo or None)
    except DomainError as error:
        context["quote_error"] = error
    return context


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, handle: str, tier_id: int) -> HttpResponse:
    profile = selectors.creator_by_handle(request.user, handle)
    tier = offer_selectors.tier_on_sale(handle, tier_id) if profile else None
    if profile is None or tier is None:
        raise Http404("No such tier")
    source = request.POST if request.method == "POST" else request.GET
    try:
        months = int(source.get("months", 1))
    except ValueError:
        months = 1
    promo = source.get("promo", "").strip()
    context = _checkout_context(request, tier, months, promo)
    if request.method == "POST" and request.POST.get("action") == "pay" and "quote_error" not in context:
        try:
            result = subscriptions.subscribe(
                request.user, tier.pk, months=months, promotion_code=promo or None,
                payment_method=billing.payment_method_from(request.user, tier.creator, request.POST),
                idempotency_key=request.POST["idempotency_key"],
                confirmed_country=request.POST.get("confirmed_country", "").strip().upper()[:2])
        except DomainError as error:
            context["pay_error"] = error
            context["idempotency_key"] = uuid.uuid4().hex  # nothing was charged: the next try is a new request
        else:
            bank = billing.bank_step_url(result.client_action, base_url=request.build_absolute_uri("/"))
            if result.requires_action and bank:
                return redirect(bank)
            if result.requires_action:
                messages.info(request, "Your bank is confirming the payment; your subscription starts when it does.")
            else:
                messages.success(request, f"You subscribe to {profile.display_name} ({tier.name}).")
            return redirect("my-subscriptions")
    return render(request, "subscriptions/subscribe.html", {"creator": profile, **context,
                                                            "card_choice": billing.card_choice(request.user,
                                                                                               tier.creator)})


@login_required
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/my_subscriptions.html", {"subscriptions": fan_subscriptions(request.user)})


@login_required
@require_POST
def subscription_action(request: HttpRequest, subscription_id: int) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "cancel":
            sub = subscriptions.cancel(request.user, subscription_id)
            messages.info(request, f"Canceled. You keep access until {sub.current_period_end:%d %B %Y}.")
        elif action == "resume":
            subscriptions.resume(request.user, subscription_id)
            messages.success(request, "Your subscription will renew again.")
        elif action == "change_tier":
            result = subscriptions.change_tier(request.user, subscription_id, int(request.POST["tier_id"]),
                                               idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex)
            bank = billing.bank_step_url(result.client_action, base_url=request.build_absolute_uri("/"))
            if result.requires_action and bank:
                return redirect(bank)
            messages.success(request, "Tier change saved.")
        elif action == "accept_price":
            sub = subscriptions.accept_price(request.user, subscription_id)
            messages.success(request, f"New price accepted: {sub.tier.monthly_price}/month from your next renewal.")
        elif action == "update_card":
            subscriptions.update_payment_method(request.user, subscription_id, request.POST.get("payment_method", ""))
            messages.success(request, "Payment method updated.")
        else:
            messages.error(request, "Unknown action.")
    except DomainError as error:
        messages.error(request, error.message)
    except (KeyError, ValueError):
        messages.error(request, "Some fields are invalid.")
    return redirect("my-subscriptions")


@login_required
def my_subscribers(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")
    context = creator_subscribers(request.user, status=request.GET.get("status"))
    now = timezone.now()
    paid = studio_selectors.tier_revenue(request.user, now - timedelta(days=30), now)  # what fans paid, not list price
    for tier in context["tiers"]:
        tier.paid_30_days = paid.get(tier.pk, Money(0, tier.currency))
    return render(request, "studio/subscribers.html", context)


@require_http_methods(["GET", "POST"])
def trial_link(request: HttpRequest, code: str) -> HttpResponse:
    """A trial link: what the fan gets, and whether and at what price it renews, before claiming it."""
    link = offer_selectors.trial_link(code)
    if link is None or (request.user.is_authenticated
                        and selectors.creator_by_handle(request.user, link.creator.handle) is None):
        raise Http404("No such trial")
    error = None
    continues = request.POST.get("continue_after_trial") == "yes"
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        try:
            subscriptions.claim_trial(request.user, code, continue_after_trial=continues,
                                      payment_method=request.POST.get("payment_method", "").strip()
                                      if continues else "")
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"Your {link.days}-day free trial of {link.tier.name} has started"
                                      + (f"; it then continues at {link.tier.monthly_price}/month."
                                         if continues else "; it ends by itself, with no charge."))
            return redirect("creator-detail", handle=link.creator.handle)
    return render(request, "subscriptions/trial_link.html", {
        "link": link, "tier": link.tier, "creator": link.creator.creator_profile, "error": error,
        "continues": continues, "open": link.is_active and link.expires_at > timezone.now()
        and link.claims < link.max_claims and not link.tier.is_archived})
