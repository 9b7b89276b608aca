"""One explicit transition table per stateful model; an invalid move is a domain error.

Every service that writes a status goes through its model's table: ``TABLE.move(obj, target)``
checks the move and sets the field (``TABLE.check`` alone when the write is not a plain attribute).
The database holds the same line: ``choices_constraint`` keeps a status column within its choices.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from common.errors import InvalidTransition


class TransitionTable:
    def __init__(self, name: str, transitions: Mapping[str, Iterable[str]]) -> None:
        self.name = name
        self._allowed = {str(source): frozenset(str(t) for t in targets) for source, targets in transitions.items()}

    def can(self, source: str, target: str) -> bool:
        return target in self._allowed.get(source, frozenset())

    def check(self, source: str, target: str, message: str | None = None) -> None:
        if not self.can(source, target):
            raise InvalidTransition(
                message or f"{self.name} cannot go from {source} to {target}.",
                details={"machine": self.name, "from": source, "to": target},
            )

    def move(self, obj: Any, target: str, *, field: str = "status", message: str | None = None) -> None:
        """Check ``obj.<field>`` → ``target`` against the table, then set it (the caller saves)."""
        self.check(getattr(obj, field), target, message)
        setattr(obj, field, target)

    def targets(self, source: str) -> frozenset[str]:
        return self._allowed.get(source, frozenset())

    @property
    def states(self) -> frozenset[str]:
        """Every state the table names, as a source or as a target."""
        return frozenset(self._allowed).union(*self._allowed.values())


def choices_constraint(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK that keeps ``field`` within ``choices`` (a status column never holds a stray value)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": [c.value for c in choices]}), name=name)
