from django.conf import settings
from django.db import models
from django.db.models import Q


class TrialLink(models.Model):
    """A link that grants a free trial of a tier to fans who are new or expired to this creator."""

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trial_links")
    tier = models.ForeignKey("offers.Tier", on_delete=models.CASCADE, related_name="trial_links")
    code = models.SlugField(max_length=40, unique=True)
    days = models.PositiveSmallIntegerField()
    max_claims = models.PositiveIntegerField()
    claims = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(claims__lte=models.F("max_claims")),
                                              name="trial_claims_within_limit")]

    def __str__(self) -> str:
        return f"trial {self.code}"


class Promotion(models.Model):
    class Kind(models.TextChoices):
        PERCENT_OFF = "percent_off", "Percentage off"
        FIXED_PRICE = "fixed_price", "Fixed price"

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="promotions")
    tier = models.ForeignKey("offers.Tier", on_delete=models.CASCADE, related_name="promotions")
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    percent_off = models.PositiveSmallIntegerField(null=True, blank=True)
    fixed_price_minor = models.PositiveIntegerField(null=True, blank=True)
    for_new = models.BooleanField(default=True)
    for_expired = models.BooleanField(default=False)
    periods = models.PositiveSmallIntegerField(default=1, help_text="Billing periods the price applies to.")
    max_claims = models.PositiveIntegerField()
    claims = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(claims__lte=models.F("max_claims")), name="promo_claims_within_limit"),
            models.CheckConstraint(
                condition=(Q(kind="percent_off", percent_off__gte=1, percent_off__lte=100)
                           | Q(kind="fixed_price", fixed_price_minor__isnull=False)),
                name="promo_kind_fields"),
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="promo_window_order"),
        ]

    def __str__(self) -> str:
        return f"promotion {self.code}"
