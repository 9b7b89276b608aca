"""Creator studio pages: the dashboard (earnings, subscribers, top fans, requests due, offers), the composer
(drafts, schedule, expiry, pin, edit with history, delete), the vault, promotions and trial links, priced
messages, studio settings (watermark style), money (balances, payouts, statements) and the vault for one fan.

Views stay thin: they parse the form, call one service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError, NotFoundError, ValidationFailed
from fansub.accounts import selectors as account_selectors
from fansub.accounts.models import Role
from fansub.media.models import MediaKind
from fansub.media.selectors import preview_url, vault
from fansub.messaging import selectors as messaging_selectors
from fansub.offers import selectors as offer_selectors
from fansub.offers.models import Promotion
from fansub.offers.services import promotions
from fansub.offers.services import tiers as offer
from fansub.posts.models import PostStatus
from fansub.posts.services import posts
from fansub.purchases.services import billing, ppv, tips
from fansub.studio import forms, selectors
from fansub.studio.models import StudioSettings, WatermarkStyle
from fansub.studio.services import settings as studio_settings


def _creator_only(request: HttpRequest) -> None:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")


def _errors(error: DomainError) -> dict:
    """Field problems of a validation error by field; any other refusal as its one message."""
    if isinstance(error, ValidationFailed) and error.details:
        return error.details
    return {"__all__": [error.message]}


# --- dashboard ----------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    if request.method == "POST":  # the one setting kept from the old earnings page
        tips.set_tip_totals_hidden(request.user, hidden="hide_tip_totals" in request.POST)
        messages.success(request, "Saved.")
        return redirect("studio-dashboard")
    errors: dict = {}
    try:
        date_range = selectors.parse_range(request.GET)
    except ValidationFailed as error:
        errors = _errors(error)
        date_range = selectors.parse_range({})
    context = selectors.dashboard(request.user, date_range)
    context.update({
        "errors": errors, "grains": selectors.GRAINS, "query": request.GET.urlencode(),
        "tip_total": tips.tip_totals(request.user), "recent_tips": tips.recent_tips(request.user),
        "hide_tip_totals": request.user.creator_profile.hide_tip_totals,
    })
    return render(request, "studio/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    _creator_only(request)
    try:
        name, text = selectors.dashboard_csv(request.user, selectors.parse_range(request.GET), table)
    except ValidationFailed as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- posts: composer, drafts, scheduled, edit with history, pin, delete ----------------------------------
def _composer_context(request: HttpRequest, **extra: object) -> dict:
    items = selectors.ready_vault(request.user)
    return {"tiers": list(offer_selectors.tiers_on_sale(request.user)),
            "vault": [(item, _thumbnail(item)) for item in items], **extra}


def _thumbnail(item: object) -> str | None:
    kinds = {r.kind for r in item.renditions.all()}  # prefetched by the vault selector
    return preview_url(item, "thumbnail") if "thumbnail" in kinds else None


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    errors: dict = {}
    if request.method == "POST":
        draft = request.POST.get("action") == "draft"
        try:
            data = forms.post_input(request.POST, offer.creator_currency(request.user), draft=draft)
            post = posts.create_post(request.user, data)
        except DomainError as error:
            errors = _errors(error)
        else:
            if draft:
                messages.success(request, "Saved as draft.")
            elif post.status == PostStatus.SCHEDULED:
                messages.success(request, f"Scheduled for {post.publish_at:%d %b %Y %H:%M} UTC.")
            else:
                messages.success(request, "Published.")
            return redirect("studio-post", post_id=post.pk)
    return render(request, "studio/compose.html", _composer_context(
        request, errors=errors, form=request.POST, selected=request.POST.getlist("media"),
        selected_tiers=request.POST.getlist("tiers"), post=None))


@login_required
@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    return render(request, "studio/posts.html", selectors.drafts_and_scheduled(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    """The post's studio page: edit (text, audience, schedule, expiry, media), its edit history, pin, delete."""
    _creator_only(request)
    post = selectors.own_post(request.user, post_id)
    if post is None:
        raise Http404("No such post")
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("pin", "unpin"):
                posts.set_pinned(request.user, post.pk, action == "pin")
                messages.success(request, "Pinned to your profile." if action == "pin" else "Unpinned.")
            elif action == "publish":
                posts.publish_post(request.user, post.pk)
                messages.success(request, "Published.")
            elif action == "delete":
                posts.delete_post(request.user, post.pk)
                messages.info(request, "Post deleted.")
                return redirect("studio-posts")
            else:
                data = forms.post_input(request.POST, offer.creator_currency(request.user),
                                        draft=post.status == PostStatus.DRAFT)
                when = forms.parse_local_datetime(request.POST.get("publish_at", ""), "publish_at")
                posts.edit_post(request.user, post.pk, data)
                current = post.publish_at.replace(second=0, microsecond=0) if post.publish_at else None
                if when and post.status in (PostStatus.DRAFT, PostStatus.SCHEDULED) and when != current:
                    posts.schedule_post(request.user, post.pk, when)
                    messages.success(request, f"Saved; publishes {when:%d %b %Y %H:%M} UTC.")
                else:
                    messages.success(request, "Saved.")
        except DomainError as error:
            errors = _errors(error)
        else:
            return redirect("studio-post", post_id=post.pk)
    form = request.POST if errors else None
    return render(request, "studio/post.html", _composer_context(
        request, post=post, errors=errors, form=form,
        selected=request.POST.getlist("media") if errors else post.media_public_ids,
        selected_tiers=(request.POST.getlist("tiers") if errors
                        else [str(t.pk) for t in post.audience_tiers.all()])))


# --- vault ----------------------------------------------------------------------------------------------
@login_required
@require_GET
def vault_page(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    errors: dict = {}
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in MediaKind.values else ""
    used = request.GET.get("used", "") if request.GET.get("used", "") in ("used", "unused") else ""
    try:
        since = forms.parse_date(request.GET.get("since", ""), "since")
        until = forms.parse_date(request.GET.get("until", ""), "until")
    except ValidationFailed as error:
        errors, since, until = _errors(error), None, None
    items = list(selectors.studio_vault(request.user, kind=kind, used=used, since=since, until=until)[:200])
    return render(request, "studio/vault.html", {
        "cards": [(item, _thumbnail(item)) for item in items], "errors": errors, "kinds": MediaKind.choices,
        "kind": kind, "used": used, "since": request.GET.get("since", ""), "until": request.GET.get("until", "")})


@login_required
def vault_for_fan(request: HttpRequest, handle: str) -> HttpResponse:
    _creator_only(request)
    fan = account_selectors.fan_by_handle(handle)
    if fan is None:
        raise Http404("No such fan")
    status = ppv.vault_status_for_fan(request.user, fan)
    items = [(item, status.get(item.pk, "not sent")) for item in vault(request.user, state="ready")[:200]]
    return render(request, "studio/vault_fan.html", {"fan": fan, "items": items})


# --- promotions and trial links ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def offers(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("pause", "resume"):
                promotions.set_offer_active(request.user, request.POST.get("offer", ""),
                                            forms.parse_int(request.POST.get("offer_id"), "offer_id"),
                                            active=action == "resume")
                messages.success(request, "Resumed." if action == "resume" else "Paused: nobody can claim it now.")
            elif action == "trial_link":
                expires = forms.parse_local_datetime(request.POST.get("expires_at", ""), "expires_at")
                if expires is None:
                    raise ValidationFailed(details={"expires_at": ["When does the link stop working?"]})
                offer.create_trial_link(request.user, forms.parse_int(request.POST.get("tier_id"), "tier_id"),
                                        days=forms.parse_int(request.POST.get("days"), "days"),
                                        max_claims=forms.parse_int(request.POST.get("max_claims"), "max_claims"),
                                        expires_at=expires)
                messages.success(request, "Trial link created.")
            else:
                tier_id = forms.parse_int(request.POST.get("tier_id"), "tier_id")
                kind = request.POST.get("kind", "")
                tier = next((t for t in offer_selectors.all_tiers(request.user) if t.pk == tier_id), None)
                starts = forms.parse_local_datetime(request.POST.get("starts_at", ""), "starts_at")
                ends = forms.parse_local_datetime(request.POST.get("ends_at", ""), "ends_at")
                if starts is None or ends is None:
                    raise ValidationFailed(details={"ends_at": ["Give the promotion a start and an end."]})
                offer.create_promotion(
                    request.user, tier_id, kind=kind,
                    percent_off=(forms.parse_int(request.POST.get("percent_off"), "percent_off")
                                 if kind == Promotion.Kind.PERCENT_OFF else None),
                    fixed_price=(forms.price(request.POST, tier.currency, "fixed_price")
                                 if kind == Promotion.Kind.FIXED_PRICE and tier else None),
                    for_new="for_new" in request.POST, for_expired="for_expired" in request.POST,
                    periods=forms.parse_int(request.POST.get("periods"), "periods", default=1),
                    max_claims=forms.parse_int(request.POST.get("max_claims"), "max_claims"),
                    starts_at=starts, ends_at=ends)
                messages.success(request, "Promotion created.")
        except DomainError as error:
            errors = _errors(error)
        else:
            return redirect("studio-offers")
    return render(request, "studio/offers.html", {
        **selectors.offers_page(request.user), "errors": errors, "form": request.POST,
        "kinds": Promotion.Kind.choices})


# --- priced one-to-one messages ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def priced_message(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    errors: dict = {}
    threads = messaging_selectors.inbox(request.user)
    if request.method == "POST":
        try:
            thread_id = forms.parse_int(request.POST.get("thread_id"), "thread_id")
            price = forms.price(request.POST, offer.creator_currency(request.user))
            if price is None:
                raise ValidationFailed(details={"price": ["A priced message needs a price."]})
            ppv.send_paid_message(request.user, thread_id, text=request.POST.get("text", ""), price=price,
                                  media_ids=tuple(request.POST.getlist("media")))
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, f"Priced message sent for {price}.")
            return redirect("thread", thread_id=thread_id)
    form = request.POST if request.method == "POST" else {"thread_id": request.GET.get("thread", "")}
    return render(request, "studio/priced_message.html", _composer_context(
        request, threads=threads, errors=errors, form=form, selected=request.POST.getlist("media"),
        currency=offer.creator_currency(request.user)))


# --- settings ---------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    errors: dict = {}
    if request.method == "POST":
        try:
            studio_settings.set_watermark_style(request.user, request.POST.get("watermark_style", ""))
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, "Watermark style saved: buyers see it from their next view.")
            return redirect("studio-settings")
    return render(request, "studio/settings.html", {
        "errors": errors, "styles": WatermarkStyle.choices,
        "style": StudioSettings.watermark_style_for(request.user.pk)})


# --- money (the payments engineer's page) -----------------------------------------------------------------
@login_required
def money(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    return render(request, "studio/money.html", {"money": billing.creator_money(request.user)})


@login_required
def statement_csv(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        name, text = billing.statement_csv(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def payout_onboarding(request: HttpRequest) -> HttpResponse:
    _creator_only(request)
    back = request.build_absolute_uri(reverse("studio-money"))
    try:
        url = billing.payout_onboarding_link(request.user, refresh_url=back, return_url=back)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("studio-money")
    return redirect(url)
