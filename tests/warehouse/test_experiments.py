"""Experiments: deterministic assignment with holdout, exposure events, CUPED effects with intervals."""

import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from telemetry.events import emit
from telemetry.experiments import CONTROL, Experiment, assign, expose, variant_for
from telemetry.models import OutboxEvent
from telemetry.pseudonyms import actor_pseudonym
from tests.factories import make_creator, make_fan
from warehouse.services import experiments

TEST = Experiment(key="test_exp", salt="salt-a", holdout=0.1)


def ids(count: int) -> list[str]:
    return [uuid.UUID(int=n).hex for n in range(count)]


def test_assignment_is_deterministic_balanced_and_holds_out_a_share():
    subjects = ids(20_000)
    first = [assign(TEST, s) for s in subjects]
    assert first == [assign(TEST, s) for s in subjects]
    held = sum(not a.in_experiment for a in first) / len(first)
    assert 0.085 < held < 0.115
    assert all(a.variant == CONTROL for a in first if not a.in_experiment)
    inside = [a.variant for a in first if a.in_experiment]
    assert abs(inside.count("treatment") / len(inside) - 0.5) < 0.02


def test_experiments_with_other_salts_assign_independently():
    other = Experiment(key="other_exp", salt="salt-b", holdout=0.0)
    pairs = [(assign(TEST, s).variant, assign(other, s).variant) for s in ids(20_000) if assign(TEST, s).in_experiment]
    both = sum(1 for a, b in pairs if a == b == "treatment") / len(pairs)
    assert abs(both - 0.25) < 0.02


def test_allocation_limits_who_takes_part_and_bad_definitions_are_refused():
    small = Experiment(key="small_exp", salt="s", holdout=0.0, allocation=0.2)
    share = sum(assign(small, s).in_experiment for s in ids(10_000)) / 10_000
    assert 0.18 < share < 0.22
    assert assign(small, None).in_experiment is False
    with pytest.raises(ValueError):
        Experiment(key="bad", salt="s", variants=("treatment", "control"))
    with pytest.raises(ValueError):
        Experiment(key="bad", salt="s", holdout=1.0)


@pytest.mark.django_db
def test_only_persons_in_the_experiment_are_exposed():
    fans = [make_fan() for _ in range(40)]
    for fan in fans:
        expose(variant_for("tip_presets", fan), fan)
    exposed = OutboxEvent.objects.filter(event_type="experiment.exposed").count()
    expected = sum(variant_for("tip_presets", fan).in_experiment for fan in fans)
    assert exposed == expected and 0 < exposed <= 40


def test_cuped_removes_the_variance_the_pre_period_explains():
    rng = np.random.default_rng(7)
    n = 4000
    covariate = rng.gamma(2.0, 500.0, n)
    treated = rng.random(n) < 0.5
    metric = 0.8 * covariate + 50.0 * treated + rng.normal(0, 150, n)
    subjects = [{"variant": "treatment" if t else CONTROL, "post_revenue_minor": y, "pre_revenue_minor": x}
                for t, y, x in zip(treated, metric, covariate, strict=True)]
    report = experiments.analyse("synthetic", subjects)
    effect = report.effects[0]
    assert abs(report.theta - 0.8) < 0.05 and report.variance_reduction > 0.8
    assert effect.cuped_ci_low < 50 < effect.cuped_ci_high
    assert (effect.cuped_ci_high - effect.cuped_ci_low) < 0.5 * (effect.ci_high - effect.ci_low)


def test_without_pre_period_variance_cuped_changes_nothing():
    subjects = [{"variant": v, "post_revenue_minor": y, "pre_revenue_minor": 0}
                for v, y in ((CONTROL, 10), (CONTROL, 20), ("treatment", 30), ("treatment", 50))]
    report = experiments.analyse("flat", subjects)
    assert report.theta == 0.0 and report.effects[0].effect == report.effects[0].cuped_effect == 25.0


@pytest.mark.django_db
@pytest.mark.slow
def test_the_report_reads_exposures_and_purchases_from_the_built_warehouse(publish_and_build):
    creator = make_creator()
    start = timezone.now() - timedelta(days=3)
    for n in range(30):
        fan = make_fan()
        assignment = variant_for("tip_presets", fan)
        if not assignment.in_experiment:
            continue
        emit("experiment.exposed", {"experiment": "tip_presets", "variant": assignment.variant, "surface": "page"},
             actor=fan, occurred_at=start)
        amount = 1000 + (500 if assignment.variant == "treatment" else 0)
        for when, value in ((start - timedelta(days=1), 700 + n), (start + timedelta(hours=1), amount + n)):
            emit("payment.charge_succeeded", {
                "payment_id": uuid.uuid4().hex, "fan_id": actor_pseudonym(fan), "creator_id": actor_pseudonym(creator),
                "purpose": "tip", "amount_minor": value, "currency": "USD", "tax_minor": 0, "platform_fee_minor": 0,
                "provider": "simulator", "tax_country": "US", "escrow": False}, actor=fan, occurred_at=when)
    assert publish_and_build().ok
    [report] = experiments.reports()
    assert report.experiment == "tip_presets" and report.effects[0].variant == "treatment"
    assert report.effects[0].cuped_ci_low < 500 < report.effects[0].cuped_ci_high
    assert {row["variant"] for row in report.guardrails} == {CONTROL, "treatment"}
