"""`audit --optimise`: balanced and infomax weights, checked with NumPy, the --set
lines that reproduce them, and the CLI."""

from __future__ import annotations

import io
import json

import numpy as np
import polars as pl
import pytest
from rich.console import Console

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


def _project(tmp_path, name: str):  # type: ignore[no-untyped-def]
    from tests.analysis.test_audit_notes import SIX_TREE, SIX_UNITS, project

    return project(tmp_path / name, SIX_TREE, SIX_UNITS, ["x1", "x2", "x3", "c1", "m1"])


def test_constant_children_keep_weight_0_and_are_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = _project(tmp_path, "six")
    result = gdindex.compute(gdindex.load_spec(spec, ("tree.children.q.weight=2",)))

    # c1 is constant in 2023 and m1 missing: q has one child with a spread
    with pytest.raises(AnalysisError) as info:
        optimise_weights(result, "balance", node="q", period=2023)
    assert "c1, m1" in str(info.value) and "constant or missing" in str(info.value)

    # the root's children both vary: its optimised weights, none dropped silently
    found = optimise_weights(result, "balance", period=2023)
    assert found.excluded == []
    assert found.reproduce[0] == "tree.children.q.weight=2"  # the user's --set first
    assert found.reproduce[1:] == found.sets


def test_a_constant_child_of_an_optimised_node_gets_weight_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.analysis.test_audit_notes import project

    data = """
        unit,period,x1,x2,c1
        A,2023,1,2,7
        B,2023,2,3,7
        C,2023,3,5,7
        D,2023,4,4,7
        E,2023,6,1,7
        A,2022,1,2,1
    """
    tree = "id: index\nchildren: [x1, x2, c1]"
    result = gdindex.compute(
        gdindex.load_spec(project(tmp_path / "c", tree, data, ["x1", "x2", "c1"]))
    )

    found = optimise_weights(result, "balance", period=2023)

    weights = dict(zip(found.weights["child"], found.weights["optimised"], strict=True))
    assert weights["c1"] == 0.0 and found.excluded == ["c1"]
    assert "tree.children.c1.weight=0" in found.sets
    assert sum(weights.values()) == pytest.approx(1.0)


def test_a_node_with_one_child_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.analysis.test_audit_notes import FOUR_TREE, FOUR_UNITS, project

    spec = project(tmp_path / "four", FOUR_TREE, FOUR_UNITS, ["x1", "x2", "x3", "y1"])
    result = gdindex.compute(gdindex.load_spec(spec))

    for pooled in (False, True):
        with pytest.raises(AnalysisError) as info:
            optimise_weights(result, "balance", node="p2", pooled=pooled)
        assert "has one child ('y1')" in str(info.value)
        assert "too few complete rows" not in str(info.value)


def test_a_weight_optimised_to_0_is_warned_about() -> None:
    from gdindex.report.optimise import render_optimised

    result = gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))
    found = optimise_weights(result, "balance")
    buffer = io.StringIO()

    render_optimised(found, Console(file=buffer, width=200, color_system=None), "en")

    weights = dict(zip(found.weights["child"], found.weights["optimised"], strict=True))
    assert found.zeroed == [c for c, w in weights.items() if w == 0.0] != []
    assert f"optimised weight of {found.node_name(found.zeroed[0], 'en')}" in (
        buffer.getvalue()
    )
    assert "drops out of the index" in buffer.getvalue()
