"""Bounded input fields: a number that cannot fit a 64-bit column, or a country code that is not an assigned
ISO 3166-1 alpha-2 code, is a 400 VALIDATION_ERROR, never a 500 or a stored junk value."""

from typing import Any

from rest_framework import serializers

from common.countries import MESSAGE as COUNTRY_MESSAGE
from common.countries import is_country_code, normalize_country_code

INT64_MAX = 2**63 - 1  # BigIntegerField / BigAutoField
INT32_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField (a 32-bit column on PostgreSQL)
SMALLINT_MAX = 2**15 - 1  # PositiveSmallIntegerField


class BoundedIntegerField(serializers.IntegerField):
    """An IntegerField whose bounds default to the signed 64-bit range (databases store ids and counts there)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", INT64_MAX)
        kwargs.setdefault("min_value", -INT64_MAX - 1)
        super().__init__(**kwargs)


class IdField(BoundedIntegerField):
    """A primary key given in a body or query: a positive 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


def id_list(**kwargs: Any) -> serializers.ListField:
    """A list of ids (tier_ids and the like), bounded in length and in each item."""
    kwargs.setdefault("max_length", 100)
    return serializers.ListField(child=IdField(), **kwargs)


class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code (upper-cased on input); blank only where allow_blank=True."""

    default_error_messages = {"invalid_country": COUNTRY_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 country code, e.g. GB, US, DE.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = normalize_country_code(super().to_internal_value(data))
        if value and not is_country_code(value):
            self.fail("invalid_country")
        return value
