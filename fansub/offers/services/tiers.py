"""Tiers and bundles: what a creator sells by subscription."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from common.errors import NotFoundError, PermissionDeniedError, PriceOutOfBounds, ValidationFailed
from fansub.accounts.models import Role, User
from fansub.offers.models import Bundle, Promotion, Tier, TrialLink
from fansub.verification.services.creator_verification import require_verified_creator
from payments.money import Money, exponent
from telemetry.events import emit


def _require_creator(user: User) -> None:
    if user.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators sell subscriptions.")

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
        raise PriceOutOfBounds(f"A paid tier costs between {low} and {high} a month.",
                               details={"min": str(low), "max": str(high)})


def create_tier(creator: User, *, name: str, price: Money, description: str = "", benefits: str = "",
                member_cap: int | None = None, display_order: int = 0, includes_lower_tiers: bool = False) -> Tier:
    _require_creator(creator)
    if price.currency != creator_currency(creator):
        # A tier is priced in its creator's currency: another one would dodge the floor (¥499 < £4.99).
        raise ValidationFailed(details={"price": [f"Price in {creator_currency(creator)}."]})
    _check_price(price)
    name = name.strip()
    if not name:
        raise ValidationFailed(details={"name": ["A tier needs a name."]})
    if Tier.objects.filter(creator=creator, name__iexact=name, is_archived=False).exists():
        raise ValidationFailed(details={"name": ["You already have a tier with this name."]})
    with transaction.atomic():
        tier = Tier.objects.create(creator=creator, name=name, description=description, benefits=benefits,
                                   price_minor=price.minor, currency=price.currency, member_cap=member_cap,
                                   display_order=display_order, includes_lower_tiers=includes_lower_tiers)
        emit("subscription.tier_created", {"tier_id": tier.pk, "price_minor": tier.price_minor,
                                           "currency": tier.currency}, actor=creator)
    return tier


def _own_tier(creator: User, tier_id: int) -> Tier:
    tier = Tier.objects.filter(pk=tier_id, creator=creator).first()
    if tier is None:
        raise NotFoundError("No such tier.")
    return tier


def update_tier(creator: User, tier_id: int, **changes: Any) -> Tier:
    """Price changes apply to new subscribers at once. Existing subscribers keep the price they agreed to
    (stored on the subscription) until they accept the new one; a raise is emailed to them by the billing
    cycle (``renewals.notify_price_changes``), a cut applies to their next renewal."""
    tier = _own_tier(creator, tier_id)
    allowed = {"name", "description", "benefits", "member_cap", "display_order", "price", "includes_lower_tiers"}
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
    """Hide a tier from new subscribers. Existing subscribers keep it to the end of their paid period and are
    told it will not renew (``renewals.stop_archived`` in the billing cycle); nothing renews on it."""
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


def create_trial_link(creator: User, tier_id: int, *, days: int, max_claims: int, expires_at: Any) -> TrialLink:

    tier = _own_tier(creator, tier_id)
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= 90:
        errors["days"] = ["Between 1 and 90 days."]
    if max_claims < 1:
        errors["max_claims"] = ["At least one."]
    if expires_at <= timezone.now():
        errors["expires_at"] = ["Must be in the future."]
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        link = TrialLink.objects.create(creator=creator, tier=tier, days=days, max_claims=max_claims,
                                        expires_at=expires_at, code=get_random_string(16).lower())
        emit("subscription.offer_created", {"offer": "trial_link", "offer_id": link.pk, "tier_id": tier.pk},
             actor=creator)
    return link


def create_promotion(creator: User, tier_id: int, *, kind: str, percent_off: int | None = None,
                     fixed_price: Money | None = None, for_new: bool = True, for_expired: bool = False,
                     periods: int = 1, max_claims: int, starts_at: Any, ends_at: Any) -> Promotion:

    tier = _own_tier(creator, tier_id)
    errors: dict[str, list[str]] = {}
    floor = platform_bound(settings.PROMOTION_PRICE_FLOOR, tier.currency)
    if tier.is_free:
        errors["tier"] = ["Free tiers need no promotion."]
    if kind == Promotion.Kind.PERCENT_OFF:
        if not percent_off or not 1 <= percent_off <= 100:
            errors["percent_off"] = ["Between 1 and 100."]
        elif tier.monthly_price.multiply(Decimal(100 - percent_off) / 100) < floor:
            errors["percent_off"] = [f"The promoted price may not go below {floor}."]
    elif kind == Promotion.Kind.FIXED_PRICE:
        if fixed_price is None or fixed_price.currency != tier.currency:
            errors["fixed_price"] = [f"A price in {tier.currency}."]
        elif not floor <= fixed_price < tier.monthly_price:
            errors["fixed_price"] = [f"Between {floor} and less than {tier.monthly_price}."]
    else:
        errors["kind"] = ["percent_off or fixed_price."]
    if not (for_new or for_expired):
        errors["audience"] = ["Offer it to new fans, expired fans, or both."]
    if not 1 <= periods <= 12:
        errors["periods"] = ["Between 1 and 12 periods."]
    if max_claims < 1:
        errors["max_claims"] = ["At least one."]
    if ends_at <= starts_at:
        errors["ends_at"] = ["The window must end after it starts."]
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        promo = Promotion.objects.create(
            creator=creator, tier=tier, kind=kind, percent_off=percent_off if kind == "percent_off" else None,
            fixed_price_minor=fixed_price.minor if fixed_price and kind == "fixed_price" else None,
            for_new=for_new, for_expired=for_expired, periods=periods, max_claims=max_claims,
            starts_at=starts_at, ends_at=ends_at, code=get_random_string(10).upper())
        emit("subscription.offer_created", {"offer": "promotion", "offer_id": promo.pk, "tier_id": tier.pk},
             actor=creator)
    return promo
