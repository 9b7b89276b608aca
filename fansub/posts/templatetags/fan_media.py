"""Template helpers for media on fan pages: the summary of a locked card's media and human labels."""

from typing import Any

from django import template

from fansub.purchases.services import billing
from payments.money import Money

register = template.Library()

_KIND_NAMES = {"image": ("photo", "photos"), "video": ("video", "videos")}

# Codes that reach pages, in words people use (never the raw code).
LABELS = {
    "ppv_post": "Pay-per-view post", "ppv_message": "Pay-per-view message", "tip": "Tip",
    "subscription": "Subscription", "subscription_renewal": "Subscription renewal", "custom_request": "Custom request",
    "request": "Custom request", "active": "Active", "trialing": "Free trial", "past_due": "Payment overdue",
    "canceled": "Cancelled", "cancelled": "Cancelled", "expired": "Ended", "incomplete": "Awaiting payment",
    "requires_action": "Needs bank confirmation", "requires_authentication": "Needs bank confirmation",
    "succeeded": "Paid", "pending": "Pending", "failed": "Failed", "refunded": "Refunded",
    "facial_age_estimation": "Face age estimate", "id_document": "ID document", "manual": "Manual review",
    "image": "Photo", "video": "Video", "subscription_upgrade": "Subscription upgrade",
    "photo_id_match": "Photo ID match", "ppv": "Pay-per-view", "ppv_price": "Pay-per-view price",
    "price": "Price", "audience": "Who can see it", "media_ids": "Media", "tier_ids": "Tiers",
    "payment_method": "Card", "min_prices": "Minimum prices", "photo_set": "Photo set",
}


def duration_text(ms: int | None) -> str:
    if not ms:
        return ""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def duration(ms: int | None) -> str:
    """Milliseconds as m:ss (h:mm:ss past an hour)."""
    return duration_text(ms)


@register.filter
def media_summary(media: Any) -> str:
    """"2 photos · 1 video (1:05)" for a card's media dicts."""
    counts: dict[str, int] = {}
    total_ms = 0
    for item in media or ():
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        if item["kind"] == "video":
            total_ms += item.get("duration_ms") or 0
    parts = []
    for kind in ("image", "video"):
        n = counts.get(kind)
        if n:
            one, many = _KIND_NAMES[kind]
            text = f"{n} {one if n == 1 else many}"
            if kind == "video" and total_ms:
                text += f" ({duration_text(total_ms)})"
            parts.append(text)
    return " · ".join(parts)


@register.filter
def human(code: Any) -> str:
    """A code or state in words: known ones from the table, others with underscores as spaces."""
    if code is None:
        return ""
    key = str(code)
    if key in LABELS:
        return LABELS[key]
    return key.replace("_", " ").capitalize()


@register.filter
def money(minor: int | None, currency: str) -> str:
    """An amount in minor units as money people read ("£25.00"), never "(2500 minor units)"."""
    if minor is None or not currency:
        return ""
    return Money(int(minor), currency).format()


_SOURCES = {"billing": "your billing address", "card": "your card", "ip": "where you are connecting from"}


@register.filter
def country_choices(error: Any) -> list[tuple[str, str]]:
    """For a TAX_LOCATION_CONFLICT: each country the evidence points to, with what points there."""
    evidence = ((getattr(error, "details", None) or {}).get("evidence") or {})
    by_country: dict[str, list[str]] = {}
    for source, country in evidence.items():
        by_country.setdefault(str(country), []).append(_SOURCES.get(source, source))
    return [(country, ", ".join(sources)) for country, sources in by_country.items()]


@register.simple_tag(takes_context=True)
def bank_step_url(context: Any, payment: Any) -> str:
    """For a payment still waiting for the bank's confirmation (3-D Secure): the link that resumes it, on the
    host the fan is on. Empty otherwise."""
    request = context.get("request")
    if request is None or getattr(payment, "status", "") != "requires_action":
        return ""
    return billing.bank_step_url(getattr(payment, "client_action", None),
                                 base_url=request.build_absolute_uri("/")) or ""
