"""Bounded integer input fields: a number that cannot fit a 64-bit column is a 400, never a 500."""

from typing import Any

from rest_framework import serializers

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
