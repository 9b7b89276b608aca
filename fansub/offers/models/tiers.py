"""What a creator sells by subscription: tiers and multi-month bundles of a tier."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from payments.money import Money


class Tier(models.Model):
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True, max_length=1000)
    benefits = models.TextField(blank=True, max_length=2000)
    price_minor = models.PositiveIntegerField(help_text="Monthly price in minor units; 0 is a free tier.")
    currency = models.CharField(max_length=3)
    member_cap = models.PositiveIntegerField(null=True, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    includes_lower_tiers = models.BooleanField(
        default=False, help_text="Subscribers of this tier also see posts made for the creator's cheaper tiers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("display_order", "price_minor", "id")
        constraints = [
            models.UniqueConstraint(fields=["creator", "name"], condition=Q(is_archived=False),
                                    name="tier_active_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.monthly_price})"

    @property
    def monthly_price(self) -> Money:
        return Money(self.price_minor, self.currency)

    @property
    def is_free(self) -> bool:
        return self.price_minor == 0


class Bundle(models.Model):
    """Pay for 3, 6 or 12 months of a tier at once, at a discount the creator sets (0–50%)."""

    MONTH_CHOICES = ((3, "3 months"), (6, "6 months"), (12, "12 months"))

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="bundles")
    months = models.PositiveSmallIntegerField(choices=MONTH_CHOICES)
    discount_percent = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("months",)
        constraints = [
            models.UniqueConstraint(fields=["tier", "months"], name="bundle_tier_months_unique"),
            models.CheckConstraint(condition=Q(discount_percent__lte=50), name="bundle_discount_max_50"),
            models.CheckConstraint(condition=Q(months__in=[3, 6, 12]), name="bundle_months_allowed"),
        ]

    def __str__(self) -> str:
        return f"{self.tier.name} × {self.months} months (-{self.discount_percent}%)"

    def price(self) -> Money:
        from decimal import Decimal

        gross = self.tier.monthly_price.multiply(self.months)
        return gross.multiply(Decimal(100 - self.discount_percent) / Decimal(100))
