"""Pages for paid custom requests: the form on a creator's profile, the fan's list, the creator's inbox,
one request's page (both parties and staff), and the creator's request settings."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError, NotFoundError, ValidationFailed
from fansub.accounts.models import Role, User
from fansub.custom_requests import selectors as request_selectors
from fansub.custom_requests.models import CustomRequest, RequestType
from fansub.custom_requests.services import custom_requests as svc
from fansub.media.models import UseKind
from fansub.media.selectors import attachable_media, vault
from fansub.media.services import links as media_links
from fansub.posts import selectors
from fansub.purchases.services import billing
from payments.money import Money
from payments.money_input import parse_money_input


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, handle: str) -> HttpResponse:
    profile = selectors.creator_by_handle(request.user, handle)
    terms = request_selectors.open_terms(profile.user) if profile else None
    if profile is None or terms is None:
        raise Http404("This creator takes no custom requests")
    error = None
    if request.method == "POST":
        try:
            price = parse_money_input(request.POST.get("price", ""), terms.currency)
            if price is None:
                raise ValidationFailed("Offer a price.")
            raw_date = request.POST.get("desired_by", "").strip()
            req = svc.submit(request.user, profile.user, kind=request.POST.get("kind", ""),
                             description=request.POST.get("description", ""), price=price,
                             desired_by=date.fromisoformat(raw_date) if raw_date else None,
                             payment_method=billing.payment_method_from(request.user, profile.user, request.POST))
        except DomainError as exc:
            error = exc
        except ValueError:
            error = ValidationFailed("Use a date like 2026-12-24.")
        else:
            messages.success(request, "Request sent. You are charged only if the creator accepts.")
            return redirect("request-detail", request_id=req.pk)

    minimums = [(RequestType(kind).label, Money(minor, terms.currency)) for kind, minor in terms.min_prices.items()]
    return render(request, "custom_requests/request_new.html", {
        "creator": profile, "terms": terms, "minimums": minimums,
        "kinds": [(k, RequestType(k).label) for k in terms.min_prices], "error": error, "form": request.POST,
        "card_choice": billing.card_choice(request.user, profile.user)})


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    rows = svc.open_requests_for(request.user)
    return render(request, "custom_requests/request_list.html", {
        "rows": rows, "as_creator": request.user.role == Role.CREATOR, "now": timezone.now()})


def _visible(user: User, request_id: int) -> CustomRequest:
    try:
        return request_selectors.request_for_viewer(user, request_id)
    except NotFoundError:
        raise Http404("No such request") from None


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    req = _visible(request.user, request_id)
    delivered = media_links.items_for(UseKind.REQUEST, [req.pk]).get(req.pk, [])
    media = media_links.media_dicts(request.user, delivered, entitled=req.delivered_at is not None)
    own_vault = (list(vault(request.user, state="ready")[:50])
                 if request.user.pk == req.creator_id and req.status == "accepted" else [])
    return render(request, "custom_requests/request_detail.html", {
        "req": req, "steps": req.steps.select_related("actor"), "media": media, "vault": own_vault,
        "is_fan": request.user.pk == req.fan_id, "is_creator": request.user.pk == req.creator_id})


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: int) -> HttpResponse:
    req = _visible(request.user, request_id)
    user, action, note = request.user, request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action in ("counter", "revise"):
            price = parse_money_input(request.POST.get("price", ""), req.currency)
            if price is None:
                raise ValidationFailed("Enter a price.")
            (svc.counter if action == "counter" else svc.revise)(user, req.pk, price=price, note=note)
        elif action == "accept":
            svc.accept(user, req.pk)
        elif action == "decline":
            svc.decline(user, req.pk, note)
        elif action == "withdraw":
            svc.withdraw(user, req.pk)
        elif action == "deliver":
            chosen = request.POST.getlist("media")
            attachable_media(user, chosen)  # ownership is checked again by the service
            svc.deliver(user, req.pk, note=note, media_ids=chosen)
        elif action == "approve":
            svc.approve(user, req.pk)
        elif action == "dispute":
            svc.dispute(user, req.pk, request.POST.get("reason", ""))
        else:
            raise ValidationFailed("Unknown action.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Done.")
    return redirect("request-detail", request_id=req.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_settings(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")
    terms = request_selectors.own_terms(request.user)
    error = None
    if request.method == "POST":
        try:
            minimums = {}
            for kind in RequestType.values:
                price = parse_money_input(request.POST.get(f"min_{kind}", ""), terms.currency if terms else "USD",
                                          field=f"min_{kind}")
                if price is not None:
                    minimums[kind] = price.minor
            svc.configure(request.user, enabled="enabled" in request.POST, min_prices=minimums,
                          turnaround_days=int(request.POST.get("turnaround_days") or 7),
                          slots=int(request.POST.get("slots") or 5),
                          prohibited_topics=[t for t in request.POST.get("prohibited_topics", "").split(",")])
        except DomainError as exc:
            error = exc
        except ValueError:
            error = ValidationFailed("Use whole numbers for days and slots.")
        else:
            messages.success(request, "Request settings saved.")
            return redirect("request-settings")
    return render(request, "custom_requests/request_settings.html", {"terms": terms, "kinds": RequestType.choices,
                                                            "error": error})
