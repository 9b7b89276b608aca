"""Age assurance for fans. Until a fan has a passing, in-force result, nothing adult is shown."""

from typing import Any


def has_valid_age_assurance(user: Any) -> bool:
    # Filled in by the age-assurance work (providers, rules table); no result means no access.
    return False
