"""Cards a fan saved with a provider, for paying later without typing them again.

Only what the provider tells us to show them: its ids, brand, last four digits, expiry and issuing
country (tax evidence). Never a card number: the card itself stays with the provider."""

import uuid

from django.conf import settings
from django.db import models


class PaymentCustomer(models.Model):
    """The fan's customer record at one provider (Stripe ``cus_…``), created when they first save a card."""

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_customers")
    provider = models.CharField(max_length=30)
    provider_customer_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fan", "provider"], name="payment_customer_once")]

    def __str__(self) -> str:
        return f"{self.provider} customer of {self.fan_id}"


class SavedPaymentMethod(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_payment_methods")
    customer = models.ForeignKey(PaymentCustomer, on_delete=models.CASCADE, related_name="methods")
    provider = models.CharField(max_length=30)
    provider_method_id = models.CharField(max_length=100)
    brand = models.CharField(max_length=20, blank=True)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["provider", "provider_method_id"],
                                               name="saved_method_provider_id_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{(self.brand or 'card').title()} •••• {self.last4}, expires {self.exp_month:02d}/{self.exp_year}"

    @property
    def token(self) -> str:
        """What a payment form posts to pay with this card (resolved, and its owner checked, by payments)."""
        return f"saved:{self.public_id}"
