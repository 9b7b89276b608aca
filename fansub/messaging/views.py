"""Pages: inbox, thread, compose, mass-message composer."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, NotFoundError
from fansub.accounts import selectors as account_selectors
from fansub.accounts.models import Role
from fansub.media.selectors import preview_url, vault
from fansub.messaging import segments
from fansub.messaging.selectors import (
    hidden_message_ids,
    locked_message_ids,
    message_media,
    recent_mass_messages,
    thread_messages,
)
from fansub.messaging.selectors import inbox as inbox_rows
from fansub.messaging.services import mass_messages
from fansub.messaging.services import messages as messaging
from fansub.offers import selectors as offer_selectors
from fansub.offers.services import tiers as offer
from payments.money import Money
from payments.money_input import parse_money_input


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/inbox.html", {"threads": inbox_rows(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    try:
        conversation, rows = thread_messages(request.user, thread_id)
    except NotFoundError:
        raise Http404("No such conversation") from None
    error = None
    if request.method == "POST":
        try:
            messaging.send(request.user, thread_id, request.POST.get("text", ""),
                           media_ids=tuple(request.POST.getlist("media")))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("thread", thread_id=thread_id)
    messaging.mark_read(request.user, thread_id)
    other = conversation.creator if conversation.fan_id == request.user.pk else conversation.fan
    locked = locked_message_ids(request.user, rows)
    hidden = hidden_message_ids(request.user, rows)
    media = message_media(request.user, rows, locked=locked, hidden=hidden)
    for row in rows:
        row.is_locked = row.pk in locked
        row.is_hidden = row.pk in hidden
        row.media = media.get(row.pk, [])
        row.price_display = Money(row.price_minor, row.currency) if row.price_minor is not None else None

    own_vault = vault(request.user, state="ready")[:30] if request.user.pk == conversation.creator_id else []
    return render(request, "messaging/thread.html", {"thread": conversation, "rows": rows, "other": other,
                                                  "error": error, "vault": own_vault})


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, handle: str) -> HttpResponse:
    other = account_selectors.active_user_by_handle(handle)
    if other is None:
        raise Http404("No such account")
    error = None
    if request.method == "POST":
        try:
            message = messaging.start_conversation(request.user, other, request.POST.get("text", ""))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("thread", thread_id=message.thread_id)
    return render(request, "messaging/compose.html", {"other": other, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def mass_compose(request: HttpRequest) -> HttpResponse:
    """Write once to a segment, optionally priced (pay-per-view) and with media from the vault; how many fans
    each segment reaches is shown before sending."""
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")
    tier_ids = [int(t) for t in request.POST.getlist("tier_ids") if t.isdigit()]
    errors: dict = {}
    if request.method == "POST":
        try:
            price = parse_money_input(request.POST.get("price", ""), offer.creator_currency(request.user))
            mass = mass_messages.queue(request.user, text=request.POST.get("text", ""),
                                       segment=request.POST.get("segment", ""), tier_ids=tier_ids, price=price,
                                       media_ids=tuple(request.POST.getlist("media")))
        except DomainError as exc:
            errors = exc.details or {"__all__": [exc.message]}
        else:
            flash.success(request, f"Mass message #{mass.pk} is being delivered in the background.")
            return redirect("mass-compose")
    tiers = list(offer_selectors.tiers_on_sale(request.user))
    for tier in tiers:
        tier.reach = segments.segment_fans(request.user, "tiers", [tier.pk]).count()
    items = vault(request.user, state="ready")[:60]
    recent = recent_mass_messages(request.user)
    for row in recent:
        row.price = Money(row.price_minor, row.currency) if row.price_minor is not None else None
    return render(request, "messaging/mass_compose.html", {
        "counts": segments.segment_counts(request.user, tier_ids), "tiers": tiers,
        "vault": [(item, preview_url(item, "thumbnail") if any(r.kind == "thumbnail" for r in item.renditions.all())
                   else None) for item in items],
        "selected": request.POST.getlist("media"), "selected_tiers": [str(t) for t in tier_ids],
        "currency": offer.creator_currency(request.user),
        "recent": recent, "errors": errors, "form": request.POST,
    })
