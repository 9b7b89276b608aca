"""Web pages for creators' profiles, the fan feed, posts and the creator studio."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from fansub.accounts import selectors as account_selectors
from fansub.accounts.models import Role
from fansub.accounts.services import social
from fansub.offers import selectors as offer_selectors
from fansub.offers.services import tiers as offer
from fansub.posts import page_cache, page_stamps, selectors
from fansub.posts.services import posts
from payments.money import Money
from payments.money_input import parse_money_input


def creator_detail(request: HttpRequest, handle: str) -> HttpResponse:
    stamp = page_stamps.creator_stamp(_viewer_id(request), handle)
    response, _ = page_cache.serve(request, "creator", stamp, lambda: (_creator_detail(request, handle), None))
    return response


def _creator_detail(request: HttpRequest, handle: str) -> HttpResponse:
    found = selectors.creator_page(request.user, handle, cursor=request.GET.get("cursor"), size=10)
    if found is None:
        reason = account_selectors.adult_gate_reason(request.user, handle)
        if reason:  # an adult creator this visitor may not see yet: the 18+ gate, not a 404
            return render(request, "accounts/adult_gate.html", {"reason": reason, "handle": handle}, status=403)
        raise Http404("No such creator")
    return render(request, "posts/creator_detail.html", page_cache.hole_context({
        "creator": found.profile, "cards": found.page.cards, "next_cursor": found.page.next_cursor,
        "tiers": found.tiers, "current_tier_id": found.current_tier_id, "pinned": found.pinned,
        "following": found.following, "takes_requests": found.takes_requests,
        "tip_total": found.tip_total,
    }))


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    response, _ = page_cache.serve(request, "feed", page_stamps.feed_stamp(request.user.pk),
                                   lambda: (_feed(request), None))
    return response


def _feed(request: HttpRequest) -> HttpResponse:
    page = selectors.home_feed(request.user, cursor=request.GET.get("cursor"), size=settings.FEED_PAGE_SIZE)
    return render(request, "posts/feed.html",
                  page_cache.hole_context({"cards": page.cards, "next_cursor": page.next_cursor}))


def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    stamp = page_stamps.post_stamp(_viewer_id(request), post_id)
    response, allowed = page_cache.serve(request, "post", stamp, lambda: _post_detail(request, post_id))
    if allowed and request.user.is_authenticated and stamp is not None:
        posts.record_view(request.user, post_id=post_id, creator_id=stamp.subject_id)
    return response


def _post_detail(request: HttpRequest, post_id: int) -> tuple[HttpResponse, bool]:
    card = selectors.post_for_viewer(request.user, post_id)
    if card is None:
        raise Http404("No such post")
    comments = []
    if card.decision.allowed:
        comments = card.post.comments.filter(is_hidden=False).select_related("author")[:200]
    response = render(request, "posts/post_detail.html", page_cache.hole_context({"card": card, "comments": comments}))
    return response, card.decision.allowed


def _viewer_id(request: HttpRequest) -> int:
    return request.user.pk if request.user.is_authenticated else 0


@login_required
@require_POST
def post_like(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        posts.like(request.user, post_id)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("post-detail", post_id=post_id)


@login_required
@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        posts.comment(request.user, post_id, request.POST.get("text", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("post-detail", post_id=post_id)


@login_required
@require_POST
def follow_toggle(request: HttpRequest, handle: str) -> HttpResponse:
    profile = selectors.creator_by_handle(request.user, handle)
    if profile is None:
        reason = account_selectors.adult_gate_reason(request.user, handle)
        if reason:  # an adult creator this visitor may not see yet: the 18+ gate, not a 404
            return render(request, "accounts/adult_gate.html", {"reason": reason, "handle": handle}, status=403)
        raise Http404("No such creator")
    try:
        if request.POST.get("action") == "unfollow":
            social.unfollow(request.user, profile.user)
            messages.info(request, f"You unfollowed {profile.display_name}.")
        else:
            social.follow(request.user, profile.user)
            messages.success(request, f"You follow {profile.display_name}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("creator-detail", handle=profile.user.handle)


@login_required
@require_http_methods(["GET", "POST"])
def studio_tiers(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")
    errors: dict = {}
    currency = offer.creator_currency(request.user)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "archive":
                offer.archive_tier(request.user, int(request.POST["tier_id"]))
                messages.info(request, "Tier archived: existing subscribers keep it.")
            elif action == "bundle":
                offer.set_bundle(request.user, int(request.POST["tier_id"]), months=int(request.POST["months"]),
                                 discount_percent=int(request.POST.get("discount_percent") or 0))
                messages.success(request, "Bundle saved.")
            else:
                price = parse_money_input(request.POST.get("price", ""), currency) or Money.zero(currency)
                cap = request.POST.get("member_cap", "").strip()
                offer.create_tier(request.user, name=request.POST.get("name", ""), price=price,
                                  description=request.POST.get("description", ""),
                                  benefits=request.POST.get("benefits", ""), member_cap=int(cap) if cap else None,
                                  includes_lower_tiers="includes_lower_tiers" in request.POST)
                messages.success(request, "Tier created.")
            return redirect("studio-tiers")
        except DomainError as error:
            errors = error.details or {"__all__": [error.message]}
        except (KeyError, ValueError):
            errors = {"__all__": ["Some fields are invalid."]}
    tiers = offer_selectors.all_tiers(request.user)
    return render(request, "studio/tiers.html", {"tiers": tiers, "errors": errors, "currency": currency,
                                                         "form": request.POST})
