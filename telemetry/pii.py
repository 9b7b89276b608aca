"""A last line of defence: refuse payloads whose keys or values look like personal data.

A key is refused when it *ends* with a personal word ("email", "fan_email", "ip_address"); ids and
counts of such things ("comment_id", "message_count") are not personal data and pass.

Cheap enough to run on every emit(): a key's verdict is cached (payload keys come from a small, fixed
vocabulary), and a string is only matched against the value patterns when it holds the one character
each pattern cannot do without ("@" for an email, three "." for IPv4, three ":" for IPv6).
"""

import re
from functools import lru_cache
from typing import Any

FORBIDDEN_KEY = re.compile(
    r"(^|_)(email|e_mail|name|first_name|last_name|full_name|legal_name|ip|ip_address|remote_addr|"
    r"birth|birth_date|birthdate|dob|date_of_birth|phone|address|street|postcode|zip|text|body|message_text|"
    r"note|description|comment|bio|password|token|card_number|pan|selfie|file_name|filename)$"
)
EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}")
IPV4_VALUE = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6_VALUE = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b")


@lru_cache(maxsize=4096)
def forbidden_key(key: str) -> bool:
    return FORBIDDEN_KEY.search(key.lower()) is not None


def personal_string(value: str) -> bool:
    if "@" in value and EMAIL_VALUE.search(value):
        return True
    if value.count(".") >= 3 and IPV4_VALUE.search(value):
        return True
    return value.count(":") >= 3 and IPV6_VALUE.search(value) is not None


_SKIPPED = frozenset({int, float, bool, type(None)})
_clean_shapes: set[tuple[Any, ...]] = set()  # key tuples already seen to hold no personal key


def has_pii(value: Any) -> bool:
    """find_pii(value) != [], answered faster: a dict's key tuple is checked once per shape."""
    if isinstance(value, dict):
        keys = tuple(value)
        if keys not in _clean_shapes:
            if any(forbidden_key(str(key)) for key in keys):
                return True
            if len(_clean_shapes) < 10_000:
                _clean_shapes.add(keys)
        return any(has_pii(item) for item in value.values() if type(item) not in _SKIPPED)
    if isinstance(value, str):
        return personal_string(value)
    if isinstance(value, list):
        return any(has_pii(item) for item in value if type(item) not in _SKIPPED)
    return False


def find_pii(payload: Any, path: str = "") -> list[str]:
    """Paths in ``payload`` that look like personal data (empty when clean)."""
    problems: list[str] = []
    _walk(payload, path, problems)
    return problems


def _walk(value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, str):
        if personal_string(value):
            problems.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            if forbidden_key(key):
                problems.append(f"{path}.{key}" if path else key)
            if isinstance(item, str):
                if personal_string(item):
                    problems.append(f"{path}.{key}" if path else key)
            elif isinstance(item, dict | list):
                _walk(item, f"{path}.{key}" if path else key, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str | dict | list):
                _walk(item, f"{path}[{index}]", problems)
