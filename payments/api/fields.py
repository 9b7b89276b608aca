"""DRF fields for money: input parsed straight into `payments.money.Money`, output as one shared shape."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import INT32_MAX
from payments.money import CURRENCY_EXPONENTS, Money

SUPPORTED_CURRENCIES = sorted(CURRENCY_EXPONENTS)


class MoneyInputSerializer(serializers.Serializer):
    """Schema of a money input: minor units (cents; yen for JPY) and a supported ISO-4217 currency."""

    amount_minor = serializers.IntegerField(min_value=0, max_value=INT32_MAX)
    currency = serializers.ChoiceField(choices=SUPPORTED_CURRENCIES,
                                       help_text="ISO-4217 code; lower case is accepted.")


class MoneySerializer(serializers.Serializer):
    """Schema of money in a response."""

    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    display = serializers.CharField()


def money_dict(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"amount_minor": money.minor, "currency": money.currency, "display": money.format()}


@extend_schema_field(MoneyInputSerializer)
class MoneyField(serializers.Field):
    """`{"amount_minor": int, "currency": "USD"}` in, a `Money` out.

    The currency must be supported and the amount must fit the column that stores it (product prices and
    amounts are 32-bit columns, so the default bound is 2**31 - 1, well inside 64 bits); both are checked here,
    before any service sees the value, so a bad amount is a 400 VALIDATION_ERROR and never a 500.
    """

    default_error_messages = {
        "invalid": "Expected an object: amount_minor (an integer of minor units) and currency (ISO-4217).",
        "currency": "Unsupported currency. Use one of: {choices}.",
    }

    def __init__(self, *, min_minor: int = 0, max_minor: int = INT32_MAX, **kwargs: Any) -> None:
        self.min_minor, self.max_minor = min_minor, max_minor
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, Mapping):
            self.fail("invalid")
        errors: dict[str, list[str]] = {}
        currency = data.get("currency")
        code = currency.strip().upper() if isinstance(currency, str) else None
        if code not in CURRENCY_EXPONENTS:
            errors["currency"] = [self.error_messages["currency"].format(choices=", ".join(SUPPORTED_CURRENCIES))]
        amount_field = serializers.IntegerField(min_value=self.min_minor, max_value=self.max_minor)
        amount = None
        if "amount_minor" not in data:
            errors["amount_minor"] = ["This field is required."]
        elif isinstance(data["amount_minor"], bool | float):
            errors["amount_minor"] = ["A valid integer is required."]
        else:
            try:
                amount = amount_field.run_validation(data["amount_minor"])
            except serializers.ValidationError as exc:
                errors["amount_minor"] = list(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return Money(amount, code)

    def to_representation(self, value: Money) -> dict[str, Any] | None:
        return money_dict(value)
