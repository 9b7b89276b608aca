"""One explicit transition table per stateful model; an invalid move is a domain error."""

from collections.abc import Iterable, Mapping

from common.errors import InvalidTransition


class TransitionTable:
    def __init__(self, name: str, transitions: Mapping[str, Iterable[str]]) -> None:
        self.name = name
        self._allowed = {source: frozenset(targets) for source, targets in transitions.items()}

    def can(self, source: str, target: str) -> bool:
        return target in self._allowed.get(source, frozenset())

    def check(self, source: str, target: str) -> None:
        if not self.can(source, target):
            raise InvalidTransition(
                f"{self.name} cannot go from {source} to {target}.",
                details={"machine": self.name, "from": source, "to": target},
            )

    def targets(self, source: str) -> frozenset[str]:
        return self._allowed.get(source, frozenset())
