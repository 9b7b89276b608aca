"""A last line of defence: refuse payloads whose keys or values look like personal data.

A key is refused when it *ends* with a personal word ("email", "fan_email", "ip_address"); ids and
counts of such things ("comment_id", "message_count") are not personal data and pass.
"""

import re
from typing import Any

FORBIDDEN_KEY = re.compile(
    r"(^|_)(email|e_mail|name|first_name|last_name|full_name|legal_name|ip|ip_address|remote_addr|"
    r"birth|birth_date|birthdate|dob|date_of_birth|phone|address|street|postcode|zip|text|body|message_text|"
    r"note|description|comment|bio|password|token|card_number|pan|selfie|file_name|filename)$"
)
EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}")
IPV4_VALUE = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6_VALUE = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b")


def find_pii(payload: Any, path: str = "") -> list[str]:
    """Paths in ``payload`` that look like personal data (empty when clean)."""
    problems: list[str] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            where = f"{path}.{key}" if path else str(key)
            if FORBIDDEN_KEY.search(str(key).lower()):
                problems.append(where)
            problems.extend(find_pii(value, where))
    elif isinstance(payload, list):
        for index, item in enumerate(payload):
            problems.extend(find_pii(item, f"{path}[{index}]"))
    elif isinstance(payload, str) and (
            EMAIL_VALUE.search(payload) or IPV4_VALUE.search(payload) or IPV6_VALUE.search(payload)):
        problems.append(path)
    return problems
