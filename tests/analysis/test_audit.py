"""`gdindex.audit`: every figure against an independent NumPy computation from the
written result files, the flags against what their thresholds imply, options,
errors and files."""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.analysis.audit import FILES, audit, write_audit
from gdindex.analysis.common import AnalysisError
from gdindex.analysis.flags import FLAG_KINDS, Thresholds
from tests.conftest import SPECS, make_spec

TOL = 1e-9


# ---- an independent reference from scores.csv / indicators.csv / weights.csv


@cache
def written(spec_name: str, tmp: str) -> dict[str, Any]:
    """Compute, write the result files, and read them back with `csv` only."""
    result = gdindex.compute(gdindex.load_spec(SPECS / spec_name))
    out = Path(tmp) / spec_name
    gdindex.write_outputs(result, out, "csv")

    def rows(name: str) -> list[dict[str, str]]:
        with (out / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    values: dict[tuple[str, str, str], float] = {}
    for row in rows("scores.csv"):
        if row["kind"] != "indicator":
            values[(row["node"], row["unit"], row["period"])] = _num(row["score"])
    for row in rows("indicators.csv"):
        key = (row["indicator"], row["unit"], row["period"])
        values[key] = _num(row["normalised"])
    parent = {r["node"]: r["parent"] for r in rows("weights.csv")}
    units = sorted({k[1] for k in values})
    periods = sorted({k[2] for k in values})
    return {
        "result": result,
        "values": values,
        "parent": parent,
        "units": units,
        "periods": periods,
    }


def _num(text: str) -> float:
    return float(text) if text else math.nan


def column(ref: dict[str, Any], node: str, period: str | None) -> np.ndarray:
    periods = ref["periods"] if period is None else [period]
    return np.array(
        [ref["values"][(node, u, p)] for u in ref["units"] for p in periods]
    )


def ref_corr(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    keep = np.isfinite(x) & np.isfinite(y)
    a, b = x[keep], y[keep]
    r = np.corrcoef(a, b)[0, 1]

    def ranks(v: np.ndarray) -> np.ndarray:  # average ranks, written out
        out = np.empty(len(v))
        for i, value in enumerate(v):
            out[i] = (v < value).sum() + ((v == value).sum() + 1) / 2
        return out

    rho = np.corrcoef(ranks(a), ranks(b))[0, 1]
    return float(r), float(rho), int(keep.sum())


def children_of(ref: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node, parent in ref["parent"].items():
        if parent:
            out.setdefault(parent, []).append(node)
    return out


@pytest.mark.parametrize(
    ("spec_name", "pooled"),
    [
        ("asem.yaml", False),
        ("guangdong.yaml", False),
        ("guangdong.yaml", True),
        ("asem_7a_panel_pooled.yaml", True),  # 5 periods, missing values
    ],
)
def test_every_figure_equals_an_independent_numpy_computation(
    spec_name: str, pooled: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ref = written(spec_name, str(tmp_path_factory.getbasetemp()))
    period = None if pooled else ref["periods"][-1]

    out = audit(ref["result"], pooled=pooled)

    kids = children_of(ref)
    # correlations
    corr = out.correlations
    assert corr.height > 0
    for row in corr.iter_rows(named=True):
        r, rho, n = ref_corr(
            column(ref, row["a"], period), column(ref, row["b"], period)
        )
        assert row["n"] == n
        assert row["pearson"] == pytest.approx(r, abs=TOL)
        assert row["spearman"] == pytest.approx(rho, abs=TOL)
    sibling_pairs = sum(len(k) * (len(k) - 1) // 2 for k in kids.values())
    assert (corr["relation"] == "sibling").sum() == sibling_pairs
    assert (corr["relation"] == "parent").sum() == len(ref["parent"]) - 1
    # Cronbach's α and the eigenvalues, over the rows complete in every child
    assert sorted(out.cronbach["node"].to_list()) == sorted(kids)
    for node, children in kids.items():
        X = np.column_stack([column(ref, c, period) for c in children])
        X = X[:, np.isfinite(X).any(axis=0)]  # children missing everywhere: out
        X = X[np.isfinite(X).all(axis=1)]
        k = X.shape[1]
        alpha = k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(1).var(ddof=1))
        row = out.cronbach.filter(pl.col("node") == node).row(0, named=True)
        assert (row["k"], row["n"]) == (k, len(X))
        assert row["alpha"] == pytest.approx(alpha, abs=TOL)
        eig = np.sort(np.linalg.eigvalsh(np.corrcoef(X.T)))[::-1]
        got = out.pca.filter(pl.col("node") == node).sort("component")
        assert got["eigenvalue"].to_numpy() == pytest.approx(eig, abs=TOL)
        assert got["explained"].sum() == pytest.approx(1.0, abs=TOL)


def test_importance_r2_and_weights(tmp_path_factory: pytest.TempPathFactory) -> None:
    ref = written("guangdong.yaml", str(tmp_path_factory.getbasetemp()))
    period = ref["periods"][-1]

    out = audit(ref["result"])

    imp = out.importance
    weights = ref["result"].weights
    nominal = dict(zip(weights["node"], weights["weight"], strict=True))
    effective = dict(zip(weights["node"], weights["effective_weight"], strict=True))
    for row in imp.iter_rows(named=True):
        r, _, _ = ref_corr(
            column(ref, row["child"], period), column(ref, row["node"], period)
        )
        assert row["r2"] == pytest.approx(r * r, abs=TOL)
        assert row["effective_weight"] == pytest.approx(effective[row["child"]])
        if row["relation"] == "child":
            assert row["weight"] == pytest.approx(nominal[row["child"]])
        else:
            assert row["weight"] == pytest.approx(effective[row["child"]])
        assert 0.0 <= row["main_effect"] <= 1.0
        assert row["ratio"] == pytest.approx(
            row["main_effect_share"] / row["weight"], rel=1e-12
        )
    for (_node, _rel), group in imp.group_by(["node", "relation"]):
        assert group["main_effect_share"].sum() == pytest.approx(1.0, abs=1e-12)
        assert group["weight"].sum() == pytest.approx(1.0, abs=1e-9)
    # every indicator against the root, as well as every child of every node
    root = ref["result"].nodes[0].id
    n_ind = len(ref["result"].spec.indicators)
    assert imp.filter(pl.col("relation") == "indicator").height == n_ind
    assert set(imp.filter(pl.col("relation") == "indicator")["node"]) == {root}


# ---- flags against their definitions


def flagged_fixture() -> tuple[Any, pl.DataFrame]:
    """A small index built so that every kind of flag occurs."""
    rng = np.random.default_rng(3)
    n = 40
    base = rng.normal(0, 1, n)
    other = rng.normal(0, 1, n)
    cols = {
        "a": base + rng.normal(0, 0.1, n),
        "b": base + rng.normal(0, 0.1, n),  # collinear with a
        "c": -base + rng.normal(0, 0.5, n),  # negative against p1
        "d": rng.normal(0, 1, n),  # weak
        "e": base + rng.normal(0, 0.2, n),  # belongs with p1: misplaced
        "f": other + rng.normal(0, 0.3, n),
        "g": other + rng.normal(0, 0.3, n),
    }
    frame = pl.DataFrame(
        {"unit": [f"u{i:02d}" for i in range(n)], "period": [2023] * n, **cols}
    )
    tree = {
        "id": "root",
        "children": [
            {"id": "p1", "children": ["a", "b", "c", {"id": "d", "weight": 0.02}]},
            {"id": "p2", "children": ["e", "f", "g"]},
        ],
    }
    spec = make_spec(list(cols), tree=tree)
    return gdindex.compute(spec, data=frame), frame


def test_flags_are_exactly_what_the_thresholds_imply() -> None:
    result, _ = flagged_fixture()
    th = Thresholds()

    out = audit(result)

    flags = out.flags
    assert set(flags["kind"]) >= {
        "negative",
        "weak",
        "collinear",
        "misplaced",
        "low_alpha",
        "multidimensional",
        "importance_gap",
    }
    assert out.kinds == [k for k in FLAG_KINDS if k in set(flags["kind"])]
    assert flags["message"].str.len_chars().min() > 10
    assert flags["advice"].null_count() == 0 and flags["message_zh"].null_count() == 0
    corr = out.correlations

    def pairs(kind: str) -> set[tuple[str, str]]:
        rows = flags.filter(pl.col("kind") == kind)
        return set(zip(rows["a"], rows["node"], strict=True))

    parent = corr.filter(pl.col("relation") == "parent")
    assert pairs("negative") == {
        (r["a"], r["b"]) for r in parent.iter_rows(named=True) if r["pearson"] < 0
    }
    assert pairs("weak") == {
        (r["a"], r["b"])
        for r in parent.iter_rows(named=True)
        if 0 <= r["pearson"] < th.weak
    }
    sib = corr.filter(pl.col("relation") == "sibling")
    collinear = flags.filter(pl.col("kind") == "collinear")
    assert set(zip(collinear["a"], collinear["b"], strict=True)) == {
        (r["a"], r["b"])
        for r in sib.iter_rows(named=True)
        if r["pearson"] > th.collinear
    }
    low = flags.filter(pl.col("kind") == "low_alpha")
    assert set(low["node"]) == set(
        out.cronbach.filter(pl.col("alpha") < th.low_alpha)["node"]
    )
    multi = flags.filter(pl.col("kind") == "multidimensional")
    above = out.pca.filter(pl.col("eigenvalue") > 1).group_by("node").len()
    assert set(multi["node"]) == set(above.filter(pl.col("len") > 1)["node"])
    gap = flags.filter(pl.col("kind") == "importance_gap")
    outside = out.importance.filter(
        (pl.col("ratio") < th.ratio_low) | (pl.col("ratio") > th.ratio_high)
    )
    assert set(zip(gap["node"], gap["a"], strict=True)) == set(
        zip(outside["node"], outside["child"], strict=True)
    )
    # misplaced: e correlates with p1 more than with p2 (computed here)
    misplaced = flags.filter(pl.col("kind") == "misplaced")
    assert ("e", "p1") in set(zip(misplaced["a"], misplaced["b"], strict=True))
    for row in misplaced.iter_rows(named=True):
        assert row["value"] > row["threshold"]


def test_a_child_missing_everywhere_does_not_void_its_node() -> None:
    frame = pl.DataFrame(
        {
            "unit": list("abcdef"),
            "period": [1] * 6,
            "y": [3.0] * 6,  # constant: left missing by the normaliser
            "z": [2.0, 1, 4, 3, 6, 5],
            "w": [1.0, 2, 4, 3, 5, 6],
        }
    )
    spec = make_spec(["y", "z", "w"])
    result = gdindex.compute(spec, data=frame)

    out = audit(result)

    row = out.cronbach.row(0, named=True)
    z = (frame["z"].to_numpy() - 1) / 5 * 100
    w = (frame["w"].to_numpy() - 1) / 5 * 100
    X = np.column_stack([z, w])
    alpha = 2 * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))
    assert (row["k"], row["n"]) == (2, 6)
    assert row["alpha"] == pytest.approx(alpha, abs=1e-12)
    assert out.pca.height == 2


def test_thresholds_are_options() -> None:
    result, _ = flagged_fixture()

    strict = audit(result, thresholds=Thresholds(weak=0.99, collinear=0.0))
    loose = audit(result, thresholds=Thresholds(weak=-1.0, collinear=1.0))

    assert (strict.flags["kind"] == "weak").sum() > (
        loose.flags["kind"] == "weak"
    ).sum()
    assert "collinear" not in loose.kinds and "collinear" in strict.kinds


def test_permuting_the_units_changes_no_figure() -> None:
    result, frame = flagged_fixture()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=5)
    other = gdindex.compute(result.spec, data=shuffled)

    a, b = audit(result), audit(other)

    for name in ("correlations", "cronbach", "pca", "importance", "flags"):
        assert getattr(a, name).equals(getattr(b, name)), name


# ---- options and errors


def test_node_restricts_every_table_to_a_subtree() -> None:
    result, _ = flagged_fixture()

    out = audit(result, node="p2")

    assert set(out.cronbach["node"]) == {"p2"}
    assert set(out.correlations["a"]) <= {"p2", "e", "f", "g"}
    assert set(out.flags["node"]) | set(out.flags["a"].drop_nulls()) >= {"p2"}
    assert out.node == "p2"


def test_pooled_uses_every_period(tmp_path_factory: pytest.TempPathFactory) -> None:
    ref = written("guangdong.yaml", str(tmp_path_factory.getbasetemp()))

    out = audit(ref["result"], pooled=True)

    assert out.period is None and out.pooled
    assert out.n_rows == len(ref["units"]) * len(ref["periods"])
    assert out.correlations["period"].null_count() == out.correlations.height


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"node": "p3"}, "did you mean 'p2', 'p1'"),
        ({"node": "a"}, "is an indicator"),
        ({"period": 1999}, "use one of: 2023"),
        ({"period": 2023, "pooled": True}, "drop one of them"),
    ],
)
def test_errors_say_what_to_do(kwargs: dict[str, Any], expected: str) -> None:
    result, _ = flagged_fixture()

    with pytest.raises(AnalysisError) as info:
        audit(result, **kwargs)

    assert expected in str(info.value)


def test_json_and_files_are_stable(tmp_path: Path) -> None:
    result, _ = flagged_fixture()
    out = audit(result)

    first = write_audit(out, tmp_path / "a")
    again = write_audit(audit(result), tmp_path / "a")

    assert [p.name for p in first] == list(FILES)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    data = json.loads((tmp_path / "a" / "audit.json").read_text(encoding="utf-8"))
    assert data == json.loads(out.to_json())
    assert set(data) >= {
        "correlations",
        "cronbach",
        "pca",
        "loadings",
        "importance",
        "flags",
    }
    header = (tmp_path / "a" / "audit_flags.csv").read_text(encoding="utf-8")
    assert header.startswith("kind,node,a,b,period,value,threshold,message")
    loading_rows = data["loadings"]
    k = {r["node"]: r["k"] for r in data["cronbach"]}
    assert len(loading_rows) == sum(v * v for v in k.values())


def test_audit_takes_a_spec_file() -> None:
    out = gdindex.audit(SPECS / "guangdong.yaml", 2022)

    assert out.period == 2022 and out.cronbach.height == 5
