"""Reads for the creator studio: the dashboard (earnings, subscribers, top fans, requests due, offer conversion),
drafts and scheduled posts, a post's edit history, the vault with filters, offers with their claims.

Every read is the signed-in creator's own (filtered by ``creator``); the dashboard runs a fixed number of
queries whatever the data (tested with ``django_assert_max_num_queries``).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common.errors import ValidationFailed
from fansub.accounts.models import User
from fansub.custom_requests.models import CustomRequest, RequestStatus
from fansub.media.models import MediaItem, MediaState, MediaUse
from fansub.media.selectors import vault
from fansub.offers.models import Promotion, Tier, TrialLink
from fansub.posts.models import Post, PostStatus
from fansub.purchases.services import billing
from fansub.studio import charts
from fansub.subscriptions.models import Subscription, SubscriptionCheckout, SubscriptionStatus
from payments.money import Money

GRAINS = ("day", "week", "month")
PRODUCTS = ("subscriptions", "tips", "ppv", "messages", "requests", "other")
PRODUCT_LABELS = {"subscriptions": "Subscriptions", "tips": "Tips", "ppv": "Pay-per-view posts",
                  "messages": "Paid messages", "requests": "Custom requests", "other": "Other"}
MAX_DAYS = 366
TABLES = ("earnings", "products", "subscribers", "top_fans", "requests", "offers")


@dataclass(frozen=True)
class DateRange:
    start: date   # first day, inclusive
    end: date     # last day, inclusive
    grain: str    # day | week | month

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:  # exclusive
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def parse_range(params: Any, today: date | None = None) -> DateRange:
    """``start``/``end`` (YYYY-MM-DD) and ``grain`` from a query string; the last 30 days by day when absent.
    A bad date, an end before the start or a span over a year is VALIDATION_ERROR."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def day(name: str, default: date) -> date:
        raw = (params.get(name) or "").strip()
        if not raw:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = ["A date as YYYY-MM-DD."]
            return default

    end = day("end", today)
    start = day("start", end - timedelta(days=29))
    grain = params.get("grain") or "day"
    if grain not in GRAINS:
        errors["grain"] = ["day, week or month."]
    if start > end:
        errors["start"] = ["The start must not be after the end."]
    elif (end - start).days >= MAX_DAYS:
        errors["start"] = [f"At most {MAX_DAYS} days at once."]
    if errors:
        raise ValidationFailed(details=errors)
    return DateRange(start=start, end=end, grain=grain)


def _buckets(r: DateRange) -> list[date]:
    if r.grain == "day":
        return [r.start + timedelta(days=i) for i in range((r.end - r.start).days + 1)]
    if r.grain == "week":
        first = r.start - timedelta(days=r.start.weekday())
        return [first + timedelta(weeks=i) for i in range((r.end - first).days // 7 + 1)]
    months, cursor = [], r.start.replace(day=1)
    while cursor <= r.end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def _bucket_label(d: date, grain: str) -> str:
    return d.strftime("%b %Y") if grain == "month" else d.isoformat()


def _short_label(d: date, grain: str) -> str:
    return d.strftime("%b %Y") if grain == "month" else f"{d.day} {d.strftime('%b')}"


def _earnings(creator: User, r: DateRange) -> dict[str, Any]:
    rows = billing.creator_earnings(creator, start=r.start_at, end=r.end_at, grain=r.grain)
    currencies = sorted({row.currency for row in rows})
    currency = currencies[0] if currencies else ""
    days = _buckets(r)
    buckets = [_bucket_label(b, r.grain) for b in days]
    series = [p for p in PRODUCTS if p != "other" or any(row.product == "other" for row in rows)]
    values: dict[tuple[str, str], int] = {}
    per_product: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        per = per_product.setdefault((row.product, row.currency), [0, Money(0, row.currency), Money(0, row.currency),
                                                                   Money(0, row.currency)])
        per[0] += row.count
        per[1] += row.gross
        per[2] += row.fees
        per[3] += row.net
        if row.currency == currency:
            key = (_bucket_label(row.bucket, r.grain), row.product)
            values[key] = values.get(key, 0) + row.gross.minor
    chart = charts.stacked_bars(buckets, series, values, lambda minor: Money(minor, currency).format(),
                                label_every=max(1, -(-len(buckets) // 7)))
    short = {_bucket_label(b, r.grain): _short_label(b, r.grain) for b in days}
    chart.labels = [(x, short.get(label, label)) for x, label in chart.labels]
    ordered = sorted(per_product.items(), key=lambda kv: (PRODUCTS.index(kv[0][0]), kv[0][1]))
    products = [{"product": p, "label": PRODUCT_LABELS[p], "currency": c, "count": v[0], "gross": v[1],
                 "fees": v[2], "net": v[3]} for (p, c), v in ordered]
    totals = {}
    for item in products:
        t = totals.setdefault(item["currency"], {"currency": item["currency"], "count": 0,
                                                 "gross": Money(0, item["currency"]),
                                                 "fees": Money(0, item["currency"]), "net": Money(0, item["currency"])})
        t["count"] += item["count"]
        t["gross"] += item["gross"]
        t["fees"] += item["fees"]
        t["net"] += item["net"]
    return {"rows": [{"bucket": _bucket_label(row.bucket, r.grain), "starts": row.bucket, "product": row.product,
                      "label": PRODUCT_LABELS[row.product], "currency": row.currency, "count": row.count,
                      "gross": row.gross, "fees": row.fees, "net": row.net} for row in rows],
            "products": products, "totals": list(totals.values()), "chart": chart, "chart_currency": currency,
            "series": [(charts.PALETTE[s], PRODUCT_LABELS[s]) for s in series]}


def tier_revenue(creator: User, start: datetime, end: datetime) -> dict[int, Money]:
    """What fans actually paid (excluding tax, less refunds) per tier in [start, end): first periods are paid through
    a checkout (reference ``checkout:<id>``), renewals on the subscription (``subscription:<id>``). Three queries."""
    paid = billing.creator_earnings_by_reference(creator, purposes=("subscription", "subscription_renewal"),
                                                 start=start, end=end)
    ids: dict[str, list[int]] = {"checkout": [], "subscription": []}
    for reference in paid:
        kind, _, pk = reference.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].append(int(pk))
    tier_of = {f"checkout:{pk}": tier for pk, tier in SubscriptionCheckout.objects.filter(
        pk__in=ids["checkout"], tier__creator=creator).values_list("pk", "tier_id")}
    tier_of.update({f"subscription:{pk}": tier for pk, tier in Subscription.objects.filter(
        pk__in=ids["subscription"], creator=creator).values_list("pk", "tier_id")})
    totals: dict[int, Money] = {}
    for reference, (currency, gross) in paid.items():
        tier_id = tier_of.get(reference)
        if tier_id is not None:
            totals[tier_id] = totals.get(tier_id, Money(0, currency)) + Money(gross, currency)
    return totals


def _subscribers(creator: User, r: DateRange) -> dict[str, Any]:
    """New (started in the range), churned (ended in the range) and active (live at the range's end) by tier."""
    start, end = r.start_at, r.end_at
    new = Q(subscriptions__created_at__gte=start, subscriptions__created_at__lt=end)
    churned = Q(subscriptions__ended_at__gte=start, subscriptions__ended_at__lt=end)
    active = (Q(subscriptions__created_at__lt=end)
              & (Q(subscriptions__ended_at__isnull=True) | Q(subscriptions__ended_at__gte=end))
              & ~Q(subscriptions__status=SubscriptionStatus.EXPIRED, subscriptions__ended_at__isnull=True))
    tiers = list(Tier.objects.filter(creator=creator)
                 .annotate(new=Count("subscriptions", filter=new, distinct=True),
                           churned=Count("subscriptions", filter=churned, distinct=True),
                           active=Count("subscriptions", filter=active, distinct=True))
                 .order_by("display_order", "price_minor", "id"))
    revenue = tier_revenue(creator, start, end)
    rows = [{"tier": t.name, "archived": t.is_archived, "new": t.new, "churned": t.churned, "active": t.active,
             "revenue": revenue.get(t.pk, Money(0, t.currency))} for t in tiers]
    values = {(row["tier"], k): row[k] for row in rows for k in ("active", "new", "churned")}
    chart = charts.grouped_bars([row["tier"] for row in rows], ["active", "new", "churned"], values, str)
    return {"rows": rows, "chart": chart,
            "series": [(charts.PALETTE[k], k.capitalize()) for k in ("active", "new", "churned")]}


def _requests_due(creator: User) -> list[CustomRequest]:
    """Requests waiting on the creator: an answer (submitted) or a delivery (accepted), soonest first."""
    return list(CustomRequest.objects.filter(creator=creator, status__in=[RequestStatus.SUBMITTED,
                                                                          RequestStatus.ACCEPTED])
                .select_related("fan").order_by("deliver_by", "respond_by", "id")[:50])


def _offers(creator: User) -> dict[str, Any]:
    """Conversion: a promotion's claims and how many of its subscribers kept paying after its discounted
    periods; trial claims (per tier, subscriptions started as a trial) and how many became paid."""
    promos = list(Promotion.objects.filter(creator=creator).select_related("tier")
                  .annotate(claimed=Count("subscriptions", distinct=True),
                            paid_on=Count("subscriptions", distinct=True,
                                          filter=Q(subscriptions__renewal_count__gte=1)))
                  .order_by("-created_at"))
    links = list(TrialLink.objects.filter(creator=creator).select_related("tier").order_by("-created_at"))
    trials = list(Subscription.objects.filter(creator=creator, started_as_trial=True).values("tier__name")
                  .annotate(claimed=Count("id"), paid=Count("id", filter=Q(renewal_count__gte=1)))
                  .order_by("tier__name"))
    for t in trials:
        t["rate"] = f"{100 * t['paid'] / t['claimed']:.0f}%" if t["claimed"] else "—"
    for p in promos:
        p.rate = f"{100 * p.paid_on / p.claimed:.0f}%" if p.claimed else "—"
    return {"promotions": promos, "trial_links": links, "trials": trials}


def dashboard(creator: User, r: DateRange) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries."""
    return {
        "range": r,
        "earnings": _earnings(creator, r),
        "subscribers": _subscribers(creator, r),
        "top_fans": billing.creator_top_fans(creator, start=r.start_at, end=r.end_at),
        "requests_due": _requests_due(creator),
        "offers": _offers(creator),
    }


def dashboard_csv(creator: User, r: DateRange, table: str) -> tuple[str, str]:
    """(file name, CSV text) of one dashboard table."""
    if table not in TABLES:
        raise ValidationFailed(details={"table": [f"One of {', '.join(TABLES)}."]})
    data = dashboard(creator, r)
    out = io.StringIO()
    w = csv.writer(out)
    if table == "earnings":
        w.writerow(["period", "product", "currency", "payments", "gross", "fees", "net"])
        for row in data["earnings"]["rows"]:
            w.writerow([row["starts"].isoformat(), row["product"], row["currency"], row["count"],
                        row["gross"].to_decimal(), row["fees"].to_decimal(), row["net"].to_decimal()])
    elif table == "products":
        w.writerow(["product", "currency", "payments", "gross", "fees", "net"])
        for row in data["earnings"]["products"]:
            w.writerow([row["product"], row["currency"], row["count"], row["gross"].to_decimal(),
                        row["fees"].to_decimal(), row["net"].to_decimal()])
    elif table == "subscribers":
        w.writerow(["tier", "active", "new", "churned", "currency", "paid"])
        for row in data["subscribers"]["rows"]:
            w.writerow([row["tier"], row["active"], row["new"], row["churned"], row["revenue"].currency,
                        row["revenue"].to_decimal()])
    elif table == "top_fans":
        w.writerow(["fan", "currency", "payments", "net"])
        for fan in data["top_fans"]:
            w.writerow([fan.handle, fan.currency, fan.payments, fan.net.to_decimal()])
    elif table == "requests":
        w.writerow(["request", "fan", "status", "respond_by", "deliver_by", "price", "currency"])
        for req in data["requests_due"]:
            w.writerow([req.pk, req.fan.handle, req.status, req.respond_by.isoformat(),
                        req.deliver_by.isoformat() if req.deliver_by else "",
                        Money(req.price_minor, req.currency).to_decimal(), req.currency])
    else:
        w.writerow(["offer", "code", "tier", "claims", "max_claims", "kept_paying", "active"])
        for p in data["offers"]["promotions"]:
            w.writerow(["promotion", p.code, p.tier.name, p.claims, p.max_claims, p.paid_on, p.is_active])
        for link in data["offers"]["trial_links"]:
            w.writerow(["trial_link", link.code, link.tier.name, link.claims, link.max_claims, "", link.is_active])
    return f"studio-{table}-{r.start}-{r.end}.csv", out.getvalue()


# --- posts ------------------------------------------------------------------------------------------------
def drafts_and_scheduled(creator: User) -> dict[str, list[Post]]:
    posts = Post.objects.filter(creator=creator).order_by("-updated_at", "-id")
    return {"drafts": list(posts.filter(status=PostStatus.DRAFT)[:200]),
            "scheduled": list(posts.filter(status=PostStatus.SCHEDULED).order_by("publish_at", "id")[:200]),
            "published": list(posts.filter(status=PostStatus.PUBLISHED).order_by("-published_at", "-id")[:50])}


def own_post(creator: User, post_id: int) -> Post | None:
    """The creator's own post (any state but removed) with its tiers, revisions and attached media ids."""
    post = (Post.objects.filter(pk=post_id, creator=creator).exclude(status=PostStatus.REMOVED)
            .prefetch_related("audience_tiers", "revisions").first())
    if post is not None:
        post.media_public_ids = [str(pid) for pid in MediaUse.objects.filter(kind="post", object_id=str(post.pk))
                                 .order_by("id").values_list("media_item__public_id", flat=True)]
    return post


# --- vault ------------------------------------------------------------------------------------------------
def studio_vault(creator: User, *, kind: str = "", used: str = "", since: date | None = None,
                 until: date | None = None) -> QuerySet[MediaItem]:
    """The creator's vault, filtered by type, used/unused and upload date, each item knowing whether it is used."""
    items = vault(creator, kind=kind or None, use="unused" if used == "unused" else None)
    if used == "used":
        items = items.filter(Exists(MediaUse.objects.filter(media_item=OuterRef("pk"))))
    if since:
        items = items.filter(created_at__date__gte=since)
    if until:
        items = items.filter(created_at__date__lte=until)
    return items.annotate(is_used=Exists(MediaUse.objects.filter(media_item=OuterRef("pk"))))


def ready_vault(creator: User, limit: int = 60) -> list[MediaItem]:
    return list(vault(creator, state=MediaState.READY)[:limit])


# --- offers -----------------------------------------------------------------------------------------------
def offers_page(creator: User) -> dict[str, Any]:
    """Promotions (with who claimed them) and trial links, with the tiers they can be made for. Four queries."""
    promos = list(Promotion.objects.filter(creator=creator).select_related("tier").order_by("-created_at")[:100])
    claims = (Subscription.objects.filter(promotion__in=promos).select_related("fan")
              .order_by("-created_at").values("promotion_id", "fan__handle", "status", "created_at"))
    by_promo: dict[int, list[dict[str, Any]]] = {}
    for claim in claims:
        claim["status_label"] = SubscriptionStatus(claim["status"]).label
        by_promo.setdefault(claim["promotion_id"], []).append(claim)
    now = timezone.now()
    for promo in promos:
        promo.claim_rows = by_promo.get(promo.pk, [])[:50]
        promo.running = promo.is_active and promo.starts_at <= now < promo.ends_at
        promo.fixed_price = (Money(promo.fixed_price_minor, promo.tier.currency)
                             if promo.fixed_price_minor is not None else None)
    links = list(TrialLink.objects.filter(creator=creator).select_related("tier").order_by("-created_at")[:100])
    for link in links:
        link.running = link.is_active and link.expires_at > now
    return {"promotions": promos, "trial_links": links,
            "tiers": [t for t in Tier.objects.filter(creator=creator, is_archived=False) if not t.is_free]}
