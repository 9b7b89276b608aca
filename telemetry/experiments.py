"""Experiments: deterministic assignment and exposure events.

A person's variant is a pure function of their pseudonymous id and the experiment's salt: the same on every
process and every visit, with no assignment table, and independent between experiments (each has its own
salt). A share `holdout` of everyone is kept out of the experiment (they see the control and are never
exposed); of the rest, `allocation` take part, split evenly between the variants. Products call
`variant_for()` where a variant changes what someone sees, then `expose()` — only then is the person counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from telemetry.events import emit
from telemetry.pseudonyms import actor_pseudonym

CONTROL = "control"
BUCKETS = 10_000


@dataclass(frozen=True)
class Experiment:
    key: str
    salt: str
    variants: tuple[str, ...] = (CONTROL, "treatment")
    allocation: float = 1.0  # share of the non-holdout population in the experiment
    holdout: float = 0.05  # share kept out entirely (sees control, never exposed)
    description: str = ""

    def __post_init__(self) -> None:
        if self.variants[0] != CONTROL or len(set(self.variants)) != len(self.variants) or len(self.variants) < 2:
            raise ValueError(f"{self.key}: variants start with {CONTROL!r} and are distinct")
        if not (0 <= self.holdout < 1 and 0 < self.allocation <= 1):
            raise ValueError(f"{self.key}: holdout in [0, 1), allocation in (0, 1]")


@dataclass(frozen=True)
class Assignment:
    experiment: str
    variant: str
    in_experiment: bool  # False: holdout or outside the allocation (they see control, no exposure)


# The experiments that run. Adding one: pick a new salt (never reuse one) and wire `variant_for` + `expose`.
EXPERIMENTS: dict[str, Experiment] = {e.key: e for e in (
    Experiment(key="tip_presets", salt="tip-presets-2026-12",
               description="Suggested tip amounts on the tip form: the usual ones, or lower first suggestions."),
)}


def bucket(subject_id: str, salt: str, part: str) -> int:
    digest = hashlib.sha256(f"{salt}:{part}:{subject_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def assign(experiment: Experiment, subject_id: str | None) -> Assignment:
    """The variant of one pseudonymous subject (anonymous visitors see control and are not counted)."""
    if not subject_id:
        return Assignment(experiment.key, CONTROL, in_experiment=False)
    if bucket(subject_id, experiment.salt, "holdout") < experiment.holdout * BUCKETS:
        return Assignment(experiment.key, CONTROL, in_experiment=False)
    if bucket(subject_id, experiment.salt, "allocation") >= experiment.allocation * BUCKETS:
        return Assignment(experiment.key, CONTROL, in_experiment=False)
    index = bucket(subject_id, experiment.salt, "variant") * len(experiment.variants) // BUCKETS
    return Assignment(experiment.key, experiment.variants[index], in_experiment=True)


def variant_for(key: str, user: Any) -> Assignment:
    return assign(EXPERIMENTS[key], actor_pseudonym(user))


def expose(assignment: Assignment, user: Any, *, surface: str = "page") -> None:
    """Record that the variant changed what this person saw (the analysis counts exposed persons only)."""
    if assignment.in_experiment:
        emit("experiment.exposed", {"experiment": assignment.experiment, "variant": assignment.variant,
                                    "surface": surface}, actor=user)
