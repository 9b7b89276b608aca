"""Tiers and bundles: what a creator sells by subscription."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from common.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from fansub.models import Bundle, Role, Tier, User
from payments.money import Money, exponent
from telemetry.events import emit


def _require_creator(user: User) -> None:
    if user.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators sell subscriptions.")
    from fansub.services.creator_verification import require_verified_creator

    require_verified_creator(user)


COUNTRY_CURRENCY = {"GB": "GBP", "CA": "CAD", "AU": "AUD", "JP": "JPY", "US": "USD"}
EURO_COUNTRIES = frozenset({"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU",
                            "LV", "MT", "NL", "PT", "SI", "SK"})


def creator_currency(creator: User) -> str:
    """A creator prices in their country's currency (euro area → EUR), else the platform default."""
    country = getattr(getattr(creator, "creator_profile", None), "country", "") or ""
    if country in EURO_COUNTRIES:
        return "EUR"
    return COUNTRY_CURRENCY.get(country, settings.CREATOR_DEFAULT_CURRENCY)


def platform_bound(setting_value: str, currency: str) -> Money:
    """Bounds are set in major units of a two-decimal currency; zero-decimal ones (JPY) scale by 100."""
    amount = Decimal(setting_value)
    if exponent(currency) == 0:
        amount = (amount * 100).to_integral_value()
    return Money.from_decimal(amount, currency)


def _check_price(price: Money) -> None:
    if price.minor == 0:
        return
    low = platform_bound(settings.TIER_PRICE_MIN, price.currency)
    high = platform_bound(settings.TIER_PRICE_MAX, price.currency)
    if not (low <= price <= high):
        raise ValidationFailed(f"A paid tier costs between {low} and {high} a month.",
                               code="PRICE_OUT_OF_BOUNDS", details={"min": str(low), "max": str(high)})


def create_tier(creator: User, *, name: str, price: Money, description: str = "", benefits: str = "",
                member_cap: int | None = None, display_order: int = 0) -> Tier:
    _require_creator(creator)
    _check_price(price)
    name = name.strip()
    if not name:
        raise ValidationFailed(details={"name": ["A tier needs a name."]})
    if Tier.objects.filter(creator=creator, name__iexact=name, is_archived=False).exists():
        raise ValidationFailed(details={"name": ["You already have a tier with this name."]})
    with transaction.atomic():
        tier = Tier.objects.create(creator=creator, name=name, description=description, benefits=benefits,
                                   price_minor=price.minor, currency=price.currency, member_cap=member_cap,
                                   display_order=display_order)
        emit("subscription.tier_created", {"tier_id": tier.pk, "price_minor": tier.price_minor,
                                           "currency": tier.currency}, actor=creator)
    return tier


def _own_tier(creator: User, tier_id: int) -> Tier:
    tier = Tier.objects.filter(pk=tier_id, creator=creator).first()
    if tier is None:
        raise NotFoundError("No such tier.")
    return tier


def update_tier(creator: User, tier_id: int, **changes: Any) -> Tier:
    """Price changes apply to new subscribers and to renewals from the next period on."""
    tier = _own_tier(creator, tier_id)
    allowed = {"name", "description", "benefits", "member_cap", "display_order", "price"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(details={k: ["Not editable."] for k in sorted(unknown)})
    if "price" in changes:
        price: Money = changes.pop("price")
        if price.currency != tier.currency:
            raise ValidationFailed(details={"price": ["A tier's currency cannot change."]})
        _check_price(price)
        tier.price_minor = price.minor
    for key, value in changes.items():
        setattr(tier, key, value)
    tier.save()
    return tier


def archive_tier(creator: User, tier_id: int) -> Tier:
    """Hide a tier from new subscribers. Existing subscribers keep it and renew on it."""
    tier = _own_tier(creator, tier_id)
    with transaction.atomic():
        tier.is_archived = True
        tier.save(update_fields=["is_archived", "updated_at"])
        emit("subscription.tier_archived", {"tier_id": tier.pk}, actor=creator)
    return tier


def set_bundle(creator: User, tier_id: int, *, months: int, discount_percent: int, active: bool = True) -> Bundle:
    tier = _own_tier(creator, tier_id)
    if months not in (3, 6, 12):
        raise ValidationFailed(details={"months": ["Bundles are 3, 6 or 12 months."]})
    if not 0 <= discount_percent <= 50:
        raise ValidationFailed(details={"discount_percent": ["Between 0 and 50%."]})
    if tier.is_free:
        raise ValidationFailed(details={"tier": ["Free tiers have no bundles."]})
    bundle, _ = Bundle.objects.update_or_create(
        tier=tier, months=months, defaults={"discount_percent": discount_percent, "is_active": active})
    return bundle
