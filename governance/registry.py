"""The personal-data registry: every model holding personal data says how it is exported and erased.

Apps register their models in their own ``personal_data.py`` (imported from ``AppConfig.ready``);
governance reaches other apps only through this registry. A test fails when a model with a
personal-looking field is neither registered nor declared free of personal data.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db import models

Erasure = Literal["delete", "pseudonymize", "retain"]

FINANCIAL_RECORD = "Sale record tied to receipts and the ledger: kept 10 years for tax law."
LEGAL_OBLIGATION = "legal obligation"


@dataclass(frozen=True)
class Keep:
    """A registered record's keep-until rule, and what the retention job does once it has passed.

    The keep-until date of a row is ``until_field`` (a date the row carries) or ``after`` + ``days``/``years``.
    ``action``: "delete" the rows, "pseudonymize" them with the entry's replacement values, a callable given
    the expired queryset (returns how many it changed), or "none" (the date is informative: another job, or
    nobody, acts on it).
    """

    after: str = ""
    days: int = 0
    years: int = 0
    until_field: str = ""
    basis: str = LEGAL_OBLIGATION
    action: str | Callable[[models.QuerySet], int] = "delete"

    @property
    def period(self) -> timedelta:
        return timedelta(days=self.days + 365 * self.years + self.years // 4)

    def keep_until(self, row: Any) -> date | None:
        if self.until_field:
            value = getattr(row, self.until_field, None)
        else:
            start = getattr(row, self.after, None) if self.after else None
            value = start + self.period if start else None
        return value.date() if isinstance(value, datetime) else value

    def expired(self, queryset: models.QuerySet, now: datetime) -> models.QuerySet:
        if self.until_field:
            return queryset.filter(**{f"{self.until_field}__lt": now.date()})
        return queryset.filter(**{f"{self.after}__lt": now - self.period})


# The default rule: kept while the account exists, erased with it (no date of its own).
ACCOUNT_LIFETIME = Keep(basis="contract", action="none")

# A file the person uploaded, for the export: (name inside the ZIP, a function returning its bytes).
ExportFile = tuple[str, Callable[[], bytes]]

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
    keep: Keep | None = None
    files: Callable[[Any], Iterable[ExportFile]] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def legal_basis(self) -> str:
        return (self.keep.basis if self.keep else LEGAL_OBLIGATION) if self.erasure == "retain" else ""

    def keep_until(self, row: Any) -> date | None:
        return self.keep.keep_until(row) if self.keep else None

    def rows_for(self, user: Any) -> models.QuerySet:
        value = user.pk if self.user_path in ("pk", "id") else user
        return self.model._default_manager.filter(**{self.user_path: value})

    def export(self, user: Any) -> list[dict[str, Any]]:
        if self.exporter:
            return self.exporter(user)
        return [
            {k: (str(v) if not isinstance(v, (int, float, bool, type(None), str, list, dict)) else v)
             for k, v in row.items()}
            for row in self.rows_for(user).values("pk", *self.fields)
        ]

    def erase(self, user: Any, exclude_pks: Iterable[Any] = ()) -> int:
        """Erase the person's rows, except ``exclude_pks`` (held). A custom eraser cannot leave rows out:
        the erasure service defers the whole entry when any of its rows is held."""
        if self.eraser:
            return self.eraser(user)
        rows = self.rows_for(user).exclude(pk__in=list(exclude_pks))
        if self.erasure == "delete":
            count, _ = rows.delete()
            return count
        if self.erasure == "pseudonymize":
            return rows.update(**self.pseudonymized_values)
        return 0  # "retain": kept under a legal obligation; access is restricted elsewhere


_entries: dict[str, PersonalDataEntry] = {}
_not_personal: dict[str, str] = {}
_closing_steps: dict[str, Callable[[Any], dict[str, Any]]] = {}
_sweeps: dict[str, tuple[Keep, Callable[[datetime], int]]] = {}
_rules: dict[str, tuple[str, Keep]] = {}


def register(model: type[models.Model], *, user_path: str, fields: tuple[str, ...] | list[str],
             erasure: Erasure, retention_reason: str = "",
             exporter: Callable[[Any], list[dict[str, Any]]] | None = None,
             eraser: Callable[[Any], int] | None = None,
             pseudonymized_values: dict[str, Any] | None = None, keep: Keep | None = None,
             files: Callable[[Any], Iterable[ExportFile]] | None = None) -> None:
    if erasure == "retain" and not retention_reason:
        raise ValueError(f"{model._meta.label}: retaining personal data needs a stated legal reason")
    if erasure == "pseudonymize" and not (pseudonymized_values or eraser):
        raise ValueError(f"{model._meta.label}: pseudonymization needs replacement values or an eraser")
    _entries[model._meta.label] = PersonalDataEntry(
        model=model, user_path=user_path, fields=tuple(fields), erasure=erasure,
        retention_reason=retention_reason, exporter=exporter, eraser=eraser,
        pseudonymized_values=pseudonymized_values or {}, keep=keep or ACCOUNT_LIFETIME, files=files,
    )


def register_closing_step(name: str, step: Callable[[Any], dict[str, Any]]) -> None:
    """Account deletion runs these before erasing (cancel subscriptions, refund open requests, hold balances).
    Each is the app's own public service; it returns what it did, for the erasure report."""
    _closing_steps[name] = step


def closing_steps() -> dict[str, Callable[[Any], dict[str, Any]]]:
    return dict(_closing_steps)


def register_sweep(name: str, keep: Keep, sweep: Callable[[datetime], int]) -> None:
    """A retention rule for data not tied to one person's rows (webhook bodies, logs): the retention job
    calls ``sweep(now)`` and records the count."""
    _sweeps[name] = (keep, sweep)


def sweeps() -> dict[str, tuple[Keep, Callable[[datetime], int]]]:
    return dict(_sweeps)


def register_retention_rule(name: str, model: type[models.Model], keep: Keep) -> None:
    """A further retention rule on a registered model's rows (its entry's own ``keep`` is the record's
    keep-until, as told in erasure reports): e.g. delivered media or refused identity documents, which go
    sooner than the record. The retention job applies it to expired rows minus held ones, like an entry's."""
    if model._meta.label not in _entries:
        raise ValueError(f"{model._meta.label}: register the model before a retention rule on it")
    if keep.action == "pseudonymize":
        raise ValueError(f"{name}: a retention rule deletes or calls an action; it has no replacement values")
    _rules[name] = (model._meta.label, keep)


def retention_rules() -> dict[str, tuple[PersonalDataEntry, Keep]]:
    return {name: (_entries[label], keep) for name, (label, keep) in _rules.items()}


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


# --- The lake: how each column of a lake table is classified (Lake Formation tags, infra/data-platform.yaml) ---

LakeClass = Literal["operational", "pseudonymous", "personal"]
LAKE_CLASSES: tuple[LakeClass, ...] = ("operational", "pseudonymous", "personal")

# Registered fields that identify a person or reach one even though their names do not look personal.
IDENTIFYING_FIELDS = frozenset({"account_ref", "provider_reference", "payment_method_label", "evidence",
                                "date_of_birth", "public_id"})
# A person's pseudonymous id (telemetry/pseudonyms.py): useless without the key, but still personal data under
# the GDPR while the key exists, so readable only by the warehouse build, never by analysts directly.
PSEUDONYMOUS_ID_PATTERN = re.compile(r"(^|_)(actor|fan|creator|subject|viewer|person|user|buyer|recipient)_id$")

_pseudonymous_columns: dict[str, str] = {}


def declare_pseudonymous_column(name: str, reason: str) -> None:
    """A lake column whose name says nothing but whose values carry pseudonymous ids (an event payload)."""
    _pseudonymous_columns[name] = reason


def lake_column_class(name: str) -> LakeClass:
    """``personal`` for a name the registry counts as personal data (it must never reach the lake, and no grant
    covers it), ``pseudonymous`` for pseudonymous person ids, ``operational`` for everything else."""
    column = name.lower()
    if column in IDENTIFYING_FIELDS or PERSONAL_FIELD_PATTERN.search(column):
        return "personal"
    if column in _pseudonymous_columns or PSEUDONYMOUS_ID_PATTERN.search(column):
        return "pseudonymous"
    return "operational"
