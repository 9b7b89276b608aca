"""Experiment analysis: the difference in means per variant against control, raw and CUPED-adjusted.

CUPED (Deng et al., 2013) removes the part of the metric a pre-period covariate predicts:
Y' = Y - theta * (X - mean(X)), theta = cov(X, Y) / var(X), pooled over all exposed persons. The effect is the
difference of the adjusted means; its 95 % confidence interval uses the adjusted variances (Welch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from telemetry.experiments import CONTROL, EXPERIMENTS
from warehouse import selectors

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Effect:
    variant: str
    persons: int
    mean: float  # the metric's raw mean (minor units per person)
    effect: float  # raw difference to control
    ci_low: float
    ci_high: float
    cuped_effect: float
    cuped_ci_low: float
    cuped_ci_high: float


@dataclass(frozen=True)
class Report:
    experiment: str
    description: str
    control_persons: int
    control_mean: float
    theta: float
    variance_reduction: float  # share of the metric's variance the covariate removed
    effects: list[Effect]
    guardrails: list[dict]


def _interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    difference = float(b.mean() - a.mean())
    error = math.sqrt((a.var(ddof=1) if len(a) > 1 else 0.0) / max(len(a), 1)
                      + (b.var(ddof=1) if len(b) > 1 else 0.0) / max(len(b), 1))
    return difference, difference - Z95 * error, difference + Z95 * error


def cuped(metric: np.ndarray, covariate: np.ndarray) -> tuple[np.ndarray, float]:
    """The adjusted metric and theta; with no covariate variance nothing can be removed (theta 0)."""
    variance = float(covariate.var(ddof=1)) if len(covariate) > 1 else 0.0
    if variance == 0.0:
        return metric.astype(float), 0.0
    theta = float(np.cov(covariate, metric, ddof=1)[0, 1] / variance)
    return metric - theta * (covariate - covariate.mean()), theta


def analyse(experiment: str, subjects: list[dict]) -> Report:
    variants = [row["variant"] for row in subjects]
    metric = np.array([row["post_revenue_minor"] for row in subjects], dtype=float)
    covariate = np.array([row["pre_revenue_minor"] for row in subjects], dtype=float)
    adjusted, theta = cuped(metric, covariate)
    raw_variance = float(metric.var(ddof=1)) if len(metric) > 1 else 0.0
    reduction = 1 - float(adjusted.var(ddof=1)) / raw_variance if raw_variance else 0.0
    chosen = np.array(variants)
    control, control_adjusted = metric[chosen == CONTROL], adjusted[chosen == CONTROL]
    effects = []
    for variant in sorted(set(variants) - {CONTROL}):
        treated = chosen == variant
        effect, low, high = _interval(control, metric[treated])
        adjusted_effect, adjusted_low, adjusted_high = _interval(control_adjusted, adjusted[treated])
        effects.append(Effect(variant=variant, persons=int(treated.sum()), mean=float(metric[treated].mean()),
                              effect=effect, ci_low=low, ci_high=high, cuped_effect=adjusted_effect,
                              cuped_ci_low=adjusted_low, cuped_ci_high=adjusted_high))
    definition = EXPERIMENTS.get(experiment)
    return Report(experiment=experiment, description=definition.description if definition else "",
                  control_persons=len(control), control_mean=float(control.mean()) if len(control) else 0.0,
                  theta=theta, variance_reduction=reduction, effects=effects, guardrails=[])


def reports() -> list[Report]:
    """Every experiment with exposures in the built warehouse."""
    by_experiment: dict[str, list[dict]] = {}
    for row in selectors.rows("gold.gold_experiment_subjects"):
        by_experiment.setdefault(row["experiment"], []).append(row)
    guardrails: dict[str, list[dict]] = {}
    for row in selectors.rows("gold.gold_experiment_guardrails", order_by=("experiment", "variant")):
        guardrails.setdefault(row["experiment"], []).append(row)
    found = []
    for experiment, subjects in sorted(by_experiment.items()):
        report = analyse(experiment, subjects)
        found.append(Report(**{**report.__dict__, "guardrails": guardrails.get(experiment, [])}))
    return found
