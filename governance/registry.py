"""The personal-data registry: every model holding personal data says how it is exported and erased.

Apps register their models in their own ``personal_data.py`` (imported from ``AppConfig.ready``);
governance reaches other apps only through this registry. A test fails when a model with a
personal-looking field is neither registered nor declared free of personal data.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models

Erasure = Literal["delete", "pseudonymize", "retain"]

FINANCIAL_RECORD = "Sale record tied to receipts and the ledger: kept 10 years for tax law."

PERSONAL_FIELD_PATTERN = re.compile(
    r"(^|_)(email|name|birth|dob|address|phone|ip|bio|text|body|note|message|handle|legal|selfie|"
    r"document|avatar|banner|description|comment|alias|postcode|zip|caption)$"
)


@dataclass(frozen=True)
class PersonalDataEntry:
    model: type[models.Model]
    user_path: str  # lookup from the model to the data subject, e.g. "user" or "thread__fan"
    fields: tuple[str, ...]
    erasure: Erasure
    retention_reason: str = ""
    exporter: Callable[[Any], list[dict[str, Any]]] | None = None
    eraser: Callable[[Any], int] | None = None
    pseudonymized_values: dict[str, Any] = field(default_factory=dict)

    def rows_for(self, user: Any) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.user_path: user})

    def export(self, user: Any) -> list[dict[str, Any]]:
        if self.exporter:
            return self.exporter(user)
        return [
            {k: (str(v) if not isinstance(v, (int, float, bool, type(None), str, list, dict)) else v)
             for k, v in row.items()}
            for row in self.rows_for(user).values("pk", *self.fields)
        ]

    def erase(self, user: Any) -> int:
        if self.eraser:
            return self.eraser(user)
        if self.erasure == "delete":
            count, _ = self.rows_for(user).delete()
            return count
        if self.erasure == "pseudonymize":
            return self.rows_for(user).update(**self.pseudonymized_values)
        return 0  # "retain": kept under a legal obligation; access is restricted elsewhere


_entries: dict[str, PersonalDataEntry] = {}
_not_personal: dict[str, str] = {}


def register(model: type[models.Model], *, user_path: str, fields: tuple[str, ...] | list[str],
             erasure: Erasure, retention_reason: str = "",
             exporter: Callable[[Any], list[dict[str, Any]]] | None = None,
             eraser: Callable[[Any], int] | None = None,
             pseudonymized_values: dict[str, Any] | None = None) -> None:
    if erasure == "retain" and not retention_reason:
        raise ValueError(f"{model._meta.label}: retaining personal data needs a stated legal reason")
    if erasure == "pseudonymize" and not (pseudonymized_values or eraser):
        raise ValueError(f"{model._meta.label}: pseudonymization needs replacement values or an eraser")
    _entries[model._meta.label] = PersonalDataEntry(
        model=model, user_path=user_path, fields=tuple(fields), erasure=erasure,
        retention_reason=retention_reason, exporter=exporter, eraser=eraser,
        pseudonymized_values=pseudonymized_values or {},
    )


def declare_not_personal(model: type[models.Model], reason: str) -> None:
    """For a model whose personal-looking field names hold no personal data (say it why)."""
    _not_personal[model._meta.label] = reason


def entries() -> list[PersonalDataEntry]:
    return list(_entries.values())


def entry_for(model: type[models.Model]) -> PersonalDataEntry | None:
    return _entries.get(model._meta.label)


def is_accounted_for(model: type[models.Model]) -> bool:
    return model._meta.label in _entries or model._meta.label in _not_personal


def personal_looking_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.is_relation and PERSONAL_FIELD_PATTERN.search(f.name)
    ]
