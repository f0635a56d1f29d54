"""Sobol' estimators: equal to SALib's on the same samples, right on Ishigami, 0 for
an input that cannot matter, ≈ 1 for the only input that does."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as salib_sample
from SALib.test_functions import Ishigami

from gdindex.analysis.sensitivity import sensitivity
from gdindex.analysis.sobol import sobol_indices, split
from gdindex.spec.sensitivity import SensitivitySpec

PROBLEM = {
    "num_vars": 3,
    "names": ["x1", "x2", "x3"],
    "bounds": [[-np.pi, np.pi]] * 3,
}


@pytest.fixture(scope="module")
def ishigami() -> tuple[np.ndarray, np.ndarray]:
    X = salib_sample.sample(PROBLEM, 1024, calc_second_order=False, seed=3)
    return X, Ishigami.evaluate(X)


def test_estimators_equal_salib_on_the_same_samples(
    ishigami: tuple[np.ndarray, np.ndarray],
) -> None:
    _, Y = ishigami
    ref = salib_sobol.analyze(
        PROBLEM,
        Y,
        calc_second_order=False,
        num_resamples=50,
        seed=5,
        keep_resamples=True,
    )

    ours = sobol_indices(Y, 3, bootstrap=50, seed=5)

    np.testing.assert_allclose(ours.S1, ref["S1"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.ST, ref["ST"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.S1_boot, ref["S1_conf_all"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.ST_boot, ref["ST_conf_all"], rtol=1e-12, atol=1e-14)
    q05, _ = ours.quantiles(0.05)
    np.testing.assert_allclose(q05, np.quantile(ref["S1_conf_all"], 0.05, axis=0))


def test_ishigami_indices_are_near_the_analytic_values(
    ishigami: tuple[np.ndarray, np.ndarray],
) -> None:
    _, Y = ishigami
    # a = 7, b = 0.1: Sobol & Levitan (1999)
    a, b = 7.0, 0.1
    V = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    V1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    V2 = a**2 / 8
    V13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)

    ours = sobol_indices(Y, 3, bootstrap=0)

    np.testing.assert_allclose(ours.S1, [V1 / V, V2 / V, 0.0], atol=0.05)
    np.testing.assert_allclose(ours.ST, [(V1 + V13) / V, V2 / V, V13 / V], atol=0.05)


def test_many_outputs_at_once_equal_one_at_a_time(
    ishigami: tuple[np.ndarray, np.ndarray],
) -> None:
    X, Y = ishigami
    outputs = np.stack([Y, X[:, 0] ** 2, np.zeros_like(Y)], axis=1)

    together = sobol_indices(outputs, 3, bootstrap=20, seed=2)

    for m in range(3):
        alone = sobol_indices(outputs[:, m], 3, bootstrap=20, seed=2)
        np.testing.assert_allclose(together.S1[:, m], alone.S1, atol=1e-14)
        np.testing.assert_allclose(together.ST_boot[:, :, m], alone.ST_boot, atol=1e-14)
    assert not together.S1[:, 2].any() and not together.ST[:, 2].any()


def test_a_constant_output_gives_zeros_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sobol_indices(np.ones(5 * 4), 2, bootstrap=10)
    assert not res.S1.any() and not res.ST.any() and not res.S1_boot.any()


def test_split_rejects_a_wrong_length() -> None:
    with pytest.raises(ValueError, match="d \\+ 2"):
        split(np.zeros(7), 2)


def _sobol(inputs: list[dict[str, object]], n: int = 64) -> SensitivitySpec:
    return SensitivitySpec.model_validate(
        {"n": n, "method": "sobol", "seed": 3, "bootstrap": 30, "inputs": inputs}
    )


def test_an_input_with_identical_alternatives_gets_zero(tiny_spec: Path) -> None:
    sens = _sobol(
        [
            {
                "id": "same",
                "set": "defaults.aggregate.method",
                "values": ["arithmetic", "arithmetic"],
            },
            {"id": "weights", "weights": {"noise": 0.6, "depths": [1, 2], "sets": 50}},
        ],
    )

    res = sensitivity(tiny_spec, inputs=sens)

    assert res.indices is not None and res.unit_indices is not None
    same = res.indices.row(0, named=True)
    assert same["input"] == "same" and same["S1"] == 0.0 and same["ST"] == 0.0
    assert res.indices.row(1, named=True)["ST"] > 0
    per_unit = res.unit_indices.filter(input="same")
    assert (per_unit["S1"] == 0).all() and (per_unit["ST"] == 0).all()
    assert res.runs.height == 1 + 64 * 4


def test_the_only_input_that_matters_gets_total_index_near_one() -> None:
    spec = Path(__file__).resolve().parents[2] / "specs" / "guangdong.yaml"
    sens = _sobol(
        [
            {
                "id": "noop",
                "set": "defaults.aggregate.min_coverage",
                "values": [0.5, 0.4],
            },
            {"id": "weights", "weights": {"noise": 0.9, "depths": [1, 2], "sets": 200}},
        ],
        n=1024,
    )

    res = sensitivity(spec, inputs=sens)

    assert res.indices is not None
    weights = res.indices.row(1, named=True)
    assert weights["ST"] == pytest.approx(1.0, abs=0.1)
    assert weights["ST_q05"] <= weights["ST"] <= weights["ST_q95"]
    assert res.indices.row(0, named=True)["ST"] == 0.0
