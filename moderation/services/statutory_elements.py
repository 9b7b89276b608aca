"""The statutory elements of a DMCA notice or counter-notice as a submitted form gives them: texts
trimmed, checkboxes read the way HTML forms and JSON clients send them."""

from collections.abc import Iterable
from typing import Any

CHECKED_VALUES = ("true", "on", "1", "yes")


def is_checked(value: Any) -> bool:
    return value is True or str(value).lower() in CHECKED_VALUES


def read_elements(data: dict[str, Any], texts: Iterable[str], flags: Iterable[str]) -> dict[str, Any]:
    """Keyword arguments for an element dataclass: each text stripped, each flag a bool."""
    values: dict[str, Any] = {name: str(data.get(name) or "").strip() for name in texts}
    values.update({name: is_checked(data.get(name)) for name in flags})
    return values


def missing_elements(given: Any, elements: Iterable[tuple[str, str]]) -> list[str]:
    """Names of the elements (name, label) that ``given`` leaves empty or unchecked, in statutory order."""
    return [name for name, _ in elements if not getattr(given, name)]
