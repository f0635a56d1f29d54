"""`audit --optimise`: balanced and infomax weights, checked with NumPy, the --set
lines that reproduce them, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.analysis.common import AnalysisError
from gdindex.analysis.optimise import optimise_weights, solve
from gdindex.cli import app
from tests.conftest import SPECS, CliRunner

ASEM = SPECS / "asem.yaml"


@pytest.fixture(scope="module")
def asem() -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(ASEM))


def corr_with_sum(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    y = X @ w
    return np.array([np.corrcoef(X[:, i], y)[0, 1] for i in range(X.shape[1])])


def test_balance_of_two_children_weighs_by_one_over_sd() -> None:
    # r(x1, y) = r(x2, y) exactly when w1·sd1 = w2·sd2
    rng = np.random.default_rng(2)
    base = rng.normal(size=300)
    X = np.column_stack(
        [base + rng.normal(size=300), 3 * (base + rng.normal(size=300))]
    )
    sd = X.std(axis=0, ddof=1)

    w, converged, _ = solve(X, np.array([0.5, 0.5]), "balance")

    assert converged
    assert w == pytest.approx((1 / sd) / (1 / sd).sum(), abs=1e-4)
    r = corr_with_sum(X, w)
    assert r[0] == pytest.approx(r[1], abs=1e-6)


def test_balance_and_infomax_improve_their_objective(
    asem: gdindex.IndexResult,
) -> None:
    balance = optimise_weights(asem, "balance", node="Conn")
    infomax = optimise_weights(asem, "infomax", node="Conn")

    for found in (balance, infomax):
        w = found.weights["optimised"].to_numpy()
        assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-12)
        assert found.weights["nominal"].to_list() == pytest.approx([0.2] * 5)
    assert balance.spread["optimised"] < balance.spread["nominal"]
    assert infomax.total["optimised"] >= infomax.total["nominal"] - 1e-12
    # the r's are the correlations with the weighted sum (NumPy, complete rows)
    ids = [n.id for n in asem.nodes]
    kids = balance.weights["child"].to_list()
    S = asem.scores.filter(pl.col("node").is_in(kids)).pivot(
        "node", index="unit", values="score"
    )
    X = S.select(kids).drop_nulls().to_numpy()
    w = balance.weights["optimised"].to_numpy()
    assert balance.weights["r_optimised"].to_numpy() == pytest.approx(
        corr_with_sum(X, w), abs=1e-9
    )
    assert "Conn" in ids


def test_the_set_lines_apply_the_weights(asem: gdindex.IndexResult) -> None:
    found = optimise_weights(asem, "balance", node="Physical")

    variant = gdindex.compute(gdindex.load_spec(ASEM, found.sets))

    weights = dict(zip(variant.weights["node"], variant.weights["weight"], strict=True))
    for row in found.weights.iter_rows(named=True):
        assert weights[row["child"]] == pytest.approx(row["optimised"], abs=1e-6)
    assert all(
        s.startswith("tree.children.Conn.children.Physical.") for s in found.sets
    )
    assert found.comparison is not None
    assert found.comparison.summary["n_units"] == 51
    assert found.alpha.height == len(asem.weighting.nodes)  # type: ignore[union-attr]


def test_data_driven_weights_are_switched_to_explicit() -> None:
    spec = gdindex.load_spec(ASEM, ["defaults.weights.method=equal"])
    result = gdindex.compute(spec)

    found = optimise_weights(result, "infomax", node="Sust")

    assert found.sets[0] == "tree.children.Sust.weights.method=explicit"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"method": "maximin"}, "use balance or infomax"),
        ({"method": "balance", "node": "LPI"}, "has no children"),
    ],
)
def test_errors(asem: gdindex.IndexResult, kwargs: dict, expected: str) -> None:
    with pytest.raises(AnalysisError) as info:
        optimise_weights(asem, **kwargs)

    assert expected in str(info.value)


def test_cli_prints_the_weights_and_json_equals_the_library(
    asem: gdindex.IndexResult,
) -> None:
    runner = CliRunner()

    table = runner.invoke(
        app, ["audit", str(ASEM), "--optimise", "balance", "--lang", "en"]
    )
    data = runner.invoke(
        app, ["audit", str(ASEM), "--optimise", "balance", "--format", "json"]
    )

    assert table.exit_code == 0 and data.exit_code == 0
    expected = optimise_weights(asem, "balance")
    assert data.stdout == expected.to_json() + "\n"
    assert "--set tree.children.Conn.weight=" in table.stdout
    assert "Rank shift of the index" in table.stdout
    assert json.loads(data.stdout)["rank_shift"]["n_units"] == 51
