"""Parsing of the studio's web forms into service inputs (the services validate the business rules)."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from common.errors import ValidationFailed
from fansub.posts.services.posts import AudienceSpec, PostInput
from payments.money import Money
from payments.money_input import parse_money_input


def parse_local_datetime(raw: str, field: str) -> datetime | None:
    """A ``datetime-local`` value ("2026-12-24T18:00") in the site's time zone → aware datetime; blank → None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(details={field: ["A date and time like 2026-12-24 18:00."]}) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def parse_date(raw: str, field: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(details={field: ["A date as YYYY-MM-DD."]}) from None


def parse_int(raw: Any, field: str, *, default: int | None = None) -> int:
    raw = str(raw if raw is not None else "").strip()
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(details={field: ["A whole number."]}) from None


def post_input(data: Any, currency: str, *, draft: bool) -> PostInput:
    """The composer form → PostInput (audience, price, schedule, expiry, media in the order ticked)."""
    return PostInput(
        text=data.get("text", ""),
        audience=AudienceSpec(
            public="public" in data, followers="followers" in data, subscribers="subscribers" in data,
            tier_ids=tuple(int(t) for t in data.getlist("tiers") if t.isdigit()),
            ppv_price=parse_money_input(data.get("ppv_price", ""), currency, field="ppv_price")),
        publish_at=None if draft else parse_local_datetime(data.get("publish_at", ""), "publish_at"),
        expires_at=parse_local_datetime(data.get("expires_at", ""), "expires_at"),
        is_adult=True if data.get("is_adult") else None,
        comments_enabled="comments_enabled" in data,
        draft=draft,
        media_ids=tuple(data.getlist("media")),
    )


def price(data: Any, currency: str, field: str = "price") -> Money | None:
    return parse_money_input(data.get(field, ""), currency, field=field)
