"""The vectorised aggregation: every aggregator, zero policy, coverage, exclusion and
weight set gives, run by run, what `compute` gives with the same choices."""

from __future__ import annotations

from pathlib import Path

from gdindex.analysis.sensitivity import sensitivity
from tests.analysis.sensitivity_helpers import _compare_every_run, _inputs


def test_every_run_of_every_aggregator_equals_compute(tiny_spec: Path) -> None:
    res = sensitivity(tiny_spec, inputs=_inputs())

    failed = _compare_every_run(tiny_spec, res)

    # z-scores are negative somewhere: a plain geometric mean of them must fail
    assert failed == res.n_failed + (res.runs["error"][0] is not None)
    assert failed > 0


def test_a_pillar_as_target_and_an_earlier_period(tiny_spec: Path) -> None:
    res = sensitivity(tiny_spec, inputs=_inputs(target="p2", period=2021, n=25))

    assert res.target == "p2" and res.period == 2021
    _compare_every_run(tiny_spec, res)
