"""Pages: tip dialog, PPV unlock of a post or a message."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, ValidationFailed
from fansub.accounts.models import User
from fansub.custom_requests import selectors as request_selectors
from fansub.messaging import selectors as message_selectors
from fansub.offers.services.tiers import creator_currency
from fansub.posts import selectors
from fansub.purchases.services import billing, ppv, tips
from payments.money import Money
from payments.money_input import parse_money_input
from telemetry import experiments


def _quote_or_error(fan, creator, amount):  # noqa: ANN001
    try:
        return billing.quote(fan, creator, amount), None
    except DomainError as error:
        return None, error


@login_required
@require_http_methods(["GET", "POST"])
def tip(request: HttpRequest, handle: str) -> HttpResponse:
    profile = selectors.creator_by_handle(request.user, handle)
    if profile is None:
        raise Http404("No such creator")
    creator = profile.user
    post_id = request.GET.get("post") or request.POST.get("post_id") or None
    thread_id = request.GET.get("thread") or request.POST.get("thread_id") or None
    error = quote = None
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    assignment = experiments.variant_for("tip_presets", request.user)
    if request.method == "GET":
        experiments.expose(assignment, request.user)  # the suggested amounts are what the variant changes
    chosen = request.POST.get("preset", "")
    if request.method == "POST" and (request.POST.get("action") == "quote" or chosen):
        # "Review total" (or a suggested amount): subtotal, tax and total before any card is typed or charged.
        try:
            amount = parse_money_input(chosen or request.POST.get("amount", ""), creator_currency(creator),
                                       field="amount")
            if amount is None:
                raise ValidationFailed("Enter an amount.")
            quote = billing.quote(request.user, creator, amount)
        except DomainError as exc:
            error = exc
    elif request.method == "POST":
        try:
            amount = parse_money_input(request.POST.get("amount", ""), creator_currency(creator), field="amount")
            if amount is None:
                raise ValidationFailed("Enter an amount.")
            quote, _ = _quote_or_error(request.user, creator, amount)
            sent = tips.send_tip(request.user, creator, amount, idempotency_key=key,
                                 confirmed_country=_country(request),
                                 payment_method=billing.payment_method_from(request.user, creator, request.POST),
                                 note=request.POST.get("note", ""), anonymous="anonymous" in request.POST,
                                 post_id=int(post_id) if post_id else None,
                                 thread_id=int(thread_id) if thread_id else None)
        except DomainError as exc:
            error, key = exc, uuid.uuid4().hex
        else:
            bank = billing.bank_step_url(getattr(sent, "client_action", None), base_url=request.build_absolute_uri("/"))
            if bank:
                return redirect(bank)
            messages.success(request, f"Thank you! Your {sent.amount} tip was sent to {profile.display_name}.")
            if thread_id:
                return redirect("thread", thread_id=int(thread_id))
            return redirect("creator-detail", handle=creator.handle)
    form = request.POST.copy()
    if chosen:
        form["amount"] = chosen
    return render(request, "purchases/tip.html", {"creator": profile, "post_id": post_id, "thread_id": thread_id,
                                               "error": error, "quote": quote, "form": form,
                                               "presets": TIP_PRESETS[assignment.variant],
                                               "idempotency_key": key, "currency": creator_currency(creator),
                                               "card_choice": billing.card_choice(request.user, creator)})


# The tip_presets experiment (telemetry.experiments): the usual suggestions, or lower first suggestions.
TIP_PRESETS = {"control": ("5.00", "10.00", "20.00"), "treatment": ("3.00", "7.00", "15.00")}


def _country(request: HttpRequest) -> str:
    """The country the fan confirmed when location evidence conflicted (two letters, or empty)."""
    return request.POST.get("confirmed_country", "").strip().upper()[:2]


def _unlock_page(request: HttpRequest, *, what: str, price: Money, seller: User,
                 buy: Callable[[str, str], object], flash: str, done_url: str) -> HttpResponse:
    """The shared pay-once page: price and tax before paying, the card, then the purchase."""
    quote, error = _quote_or_error(request.user, seller, price)
    if request.method == "POST":
        try:
            buy(billing.payment_method_from(request.user, seller, request.POST), _country(request))
        except DomainError as exc:
            bank = billing.bank_step_url((exc.details or {}).get("client_action"),
                                         base_url=request.build_absolute_uri("/"))
            if exc.code == "PAYMENT_REQUIRES_ACTION" and bank:
                return redirect(bank)  # the bank's confirmation; the unlock completes when it succeeds
            error = exc
        else:
            messages.success(request, flash)
            return redirect(done_url)
    return render(request, "purchases/unlock.html", {"what": what, "price": price, "quote": quote, "error": error,
                                                     "card_choice": billing.card_choice(request.user, seller)})


@login_required
@require_http_methods(["GET", "POST"])
def unlock_post(request: HttpRequest, post_id: int) -> HttpResponse:
    card = selectors.post_for_viewer(request.user, post_id)
    if card is None or card.post.ppv_price is None:
        raise Http404("Not for sale")
    if card.decision.allowed:
        return redirect("post-detail", post_id=post_id)
    return _unlock_page(request, what="this post", price=card.post.ppv_price, seller=card.post.creator,
                        buy=lambda method, country: ppv.buy_post(request.user, post_id, payment_method=method,
                                                                  confirmed_country=country),
                        flash="Unlocked — it is yours to keep.", done_url=reverse("post-detail", args=[post_id]))


@login_required
@require_http_methods(["GET", "POST"])
def unlock_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_selectors.priced_message_for_fan(request.user, message_id)
    if message is None:
        raise Http404("Not for sale")
    return _unlock_page(request, what=f"this message from @{message.sender.handle}",
                        price=Money(message.price_minor, message.currency), seller=message.sender,
                        buy=lambda method, country: ppv.buy_message(request.user, message_id, payment_method=method,
                                                                     confirmed_country=country),
                        flash="Unlocked.", done_url=reverse("thread", args=[message.thread_id]))


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """Everything the fan bought or was sent, for good: bought posts, media in messages, request deliveries."""
    return render(request, "purchases/library.html", {
        "cards": selectors.purchased_posts(request.user),
        "messages_with_media": message_selectors.library_messages(request.user),
        "deliveries": request_selectors.delivered_to(request.user),
    })
