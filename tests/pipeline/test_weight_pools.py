"""Which rows feed data-driven weights: `pool: panel` vs `pool: base`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import DataError
from tests.conftest import make_spec, write_project

UNITS4 = """code,name_zh,name_en
A,甲城,Alpha
B,乙城,Beta
C,丙城,Gamma
D,丁城,Delta
"""


UNITS = ["A", "B", "C", "D"]


INDS = ("x1", "x2", "x3")


# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).
DATA1 = """unit,period,x1,x2,x3
A,2021,10,0,40
B,2021,20,5,10
C,2021,30,5,30
D,2021,60,10,20
"""


# 4 units × 2 periods, every raw value positive (cv can use every child).
DATA2 = """unit,period,x1,x2,x3
A,2021,10,2,40
B,2021,20,5,10
C,2021,30,6,30
D,2021,60,10,20
A,2022,12,3,38
B,2022,25,5,12
C,2022,33,7,28
D,2022,70,12,15
"""


RAW2 = {
    2021: {"x1": [10, 20, 30, 60], "x2": [2, 5, 6, 10], "x3": [40, 10, 30, 20]},
    2022: {"x1": [12, 25, 33, 70], "x2": [3, 5, 7, 12], "x3": [38, 12, 28, 15]},
}


DIRECTION = {"x1": 1, "x2": 1, "x3": -1}


def spec_data(
    weights: dict[str, Any] | None = None,
    *,
    children: list[Any] | None = None,
    periods: list[int] | None = None,
    defaults: dict[str, Any] | None = None,
    data_file: str = "data.csv",
) -> dict[str, Any]:
    """The spec of the small project: root `idx` over x1, x2, x3 (or `children`)."""
    tree: dict[str, Any] = {
        "id": "idx",
        "name": {"zh": "总指数", "en": "Index"},
        "children": children if children is not None else list(INDS),
    }
    if weights is not None:
        tree["weights"] = weights
    data: dict[str, Any] = {
        "spec_version": 1,
        "id": "wts",
        "name": {"zh": "权重测试", "en": "Weights test"},
        "units": {
            "file": "units.csv",
            "id": "code",
            "name": {"zh": "name_zh", "en": "name_en"},
        },
        "data": [{"file": data_file}],
        "indicators": [
            {"id": "x1", "name": {"zh": "指标一", "en": "One"}},
            {"id": "x2", "name": {"zh": "指标二", "en": "Two"}},
            {"id": "x3", "name": {"zh": "指标三", "en": "Three"}, "direction": -1},
        ],
        "tree": tree,
    }
    if periods is not None:
        data["periods"] = periods
    if defaults is not None:
        data["defaults"] = defaults
    return data


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def project(
    root: Path,
    weights: dict[str, Any] | None = None,
    data: str = DATA1,
    **kw: Any,
) -> Path:
    """Write the small project into `root`; return the spec path."""
    return write_project(root, dump(spec_data(weights, **kw)), data, UNITS4)


def compute_project(
    root: Path,
    weights: dict[str, Any] | None = None,
    data: str = DATA1,
    **kw: Any,
) -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(project(root, weights, data, **kw)))


def nodes_of(result: gdindex.IndexResult) -> dict[str, Any]:
    """How every inner node's weights were derived (`IndexResult.weighting`)."""
    assert result.weighting is not None
    return result.weighting.nodes


def derived(result: gdindex.IndexResult, node: str = "idx") -> list[float]:
    """The derived (rescaled) weights of `node`'s children, in tree order."""
    return [float(w) for w in nodes_of(result)[node].weights]


def scores_of(
    result: gdindex.IndexResult, node: str, period: int = 2021
) -> list[float]:
    """Scores of `node` for units A, B, C, D in `period`."""
    frame = result.scores.filter(
        (pl.col("node") == node) & (pl.col("period") == period)
    ).sort("unit")
    assert frame["unit"].to_list() == UNITS
    return [float(s) for s in frame["score"].to_list()]


def weighted_sum(w: list[float], columns: list[list[float]]) -> list[float]:
    """Σ_j w_j · x_ij for every row i."""
    return [
        sum(wj * col[i] for wj, col in zip(w, columns, strict=True)) for i in range(4)
    ]


def minmax01(x: list[float]) -> list[float]:
    lo, hi = min(x), max(x)
    return [(v - lo) / (hi - lo) for v in x]


def entropy_by_hand(
    columns: list[list[float]], shift: float = 1e-4, prenormalise: bool = True
) -> list[float]:
    """y = minmax [0, 1] + shift; p = y / Σ y; e = −Σ p ln p / ln n; w ∝ 1 − e."""
    d = []
    for x in columns:
        y = [v + shift for v in (minmax01(x) if prenormalise else x)]
        p = [v / sum(y) for v in y]
        e = -sum(q * math.log(q) for q in p if q > 0) / math.log(len(p))
        d.append(1 - e)
    return [v / sum(d) for v in d]


def directed(raw: dict[str, list[float]]) -> list[list[float]]:
    """Raw columns with the direction applied (x3 is a cost)."""
    return [[DIRECTION[k] * v for v in raw[k]] for k in INDS]


def test_entropy_pools_every_unit_and_period(tmp_path: Path) -> None:
    # arrange: 4 units × 2 periods → 8 rows; panel minmax over both periods
    result = compute_project(tmp_path, {"method": "entropy"}, DATA2)
    pooled = {
        k: [DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS
    }

    # act: entropy is unchanged by the (affine) minmax normaliser
    expected = entropy_by_hand([pooled[k] for k in INDS])

    # assert: one set of weights for both periods, from all 8 rows
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert nodes_of(result)["idx"].components[0].rows == 8
    for period in (2021, 2022):
        columns = [scores_of(result, k, period) for k in INDS]
        assert_allclose(
            scores_of(result, "idx", period),
            weighted_sum(expected, columns),
            rtol=1e-10,
        )


BASE_POOL = {"pool": "base", "base_period": 2021}


def data2(changes: dict[tuple[str, int, str], float]) -> str:
    """DATA2 with some raw cells (unit, period, indicator) replaced."""
    lines = DATA2.strip().splitlines()
    header = lines[0].split(",")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        unit, period = cells[0], int(cells[1])
        for k, name in enumerate(header[2:], start=2):
            if (unit, period, name) in changes:
                cells[k] = str(changes[unit, period, name])
        out.append(",".join(cells))
    text = "\n".join(out) + "\n"
    assert text != DATA2 or not changes
    return text


def test_base_pool_weights_come_from_the_base_period_rows(tmp_path: Path) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "entropy", **BASE_POOL}, DATA2)

    # act: entropy over the 4 rows of 2021 only
    expected = entropy_by_hand(directed(RAW2[2021]))
    panel = entropy_by_hand(
        [[DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS]
    )

    # assert
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert not np.allclose(expected, panel, rtol=1e-4)
    comp = nodes_of(result)["idx"].components[0]
    assert comp.rows == 4
    assert comp.params["pool"] == "base" and comp.params["base_period"] == 2021


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_ignores_changes_in_other_periods(
    tmp_path: Path, method: str
) -> None:
    # arrange: 2022 changes a lot (also the panel minmax of every indicator)
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)
    changed = data2(
        {
            ("A", 2022, "x1"): 500,
            ("B", 2022, "x2"): 1,
            ("C", 2022, "x3"): 90,
            ("D", 2022, "x3"): 1,
        }
    )

    # act
    after = compute_project(tmp_path / "b", weights, changed)

    # assert: the data change took effect, the weights did not move
    assert not np.allclose(
        scores_of(before, "idx", 2022), scores_of(after, "idx", 2022)
    )
    assert_allclose(derived(after), derived(before), rtol=1e-9)


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_follows_changes_in_the_base_period(
    tmp_path: Path, method: str
) -> None:
    # arrange
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)

    # act: one 2021 cell changes
    after = compute_project(
        tmp_path / "b", weights, data2({("D", 2021, "x2"): 7, ("B", 2021, "x1"): 50})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_panel_pool_follows_changes_in_any_period(tmp_path: Path) -> None:
    # arrange: the contrast to the base pool
    before = compute_project(tmp_path / "a", {"method": "entropy"}, DATA2)

    # act
    after = compute_project(
        tmp_path / "b", {"method": "entropy"}, data2({("A", 2022, "x1"): 500})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_base_period_outside_the_data_is_a_data_error(tmp_path: Path) -> None:
    # arrange: no `periods:` in the spec, so only the data can tell
    path = project(
        tmp_path, {"method": "entropy", "pool": "base", "base_period": 1999}, DATA2
    )

    # act
    with pytest.raises(DataError) as info:
        gdindex.compute(gdindex.load_spec(path))

    # assert
    [issue] = info.value.issues
    assert issue.where == "tree.weights.base_period"
    assert "1999" in issue.message and issue.code == "bad-base-period"


PROPS = settings(max_examples=15, deadline=None, derandomize=True)


IDS = ("a", "b", "c")


@st.composite
def panels(draw: st.DrawFn) -> pl.DataFrame:
    """4–6 units × 1–2 periods; per column distinct positive values (so none is
    constant and cv applies); `c` is a cost indicator in the specs below."""
    n = draw(st.integers(4, 6))
    periods = draw(st.sampled_from([[2021], [2021, 2022]]))
    rows = n * len(periods)
    columns = {
        k: draw(
            st.lists(
                st.integers(1, 500).map(float),
                min_size=rows,
                max_size=rows,
                unique=True,
            )
        )
        for k in IDS
    }
    units = [f"u{i}" for i in range(n)]
    return pl.DataFrame(
        {
            "unit": [u for _ in periods for u in units],
            "period": [p for p in periods for _ in units],
            **columns,
        }
    )


def memory_spec(tree: dict[str, Any], **indicator: Any) -> Any:
    inds: list[dict[str, Any]] = [
        {"id": "a"},
        {"id": "b"},
        {"id": "c", "direction": -1},
    ]
    inds = [{**i, **indicator.get(i["id"], {})} for i in inds]
    return make_spec(inds, tree)


@PROPS
@given(frame=panels(), seed=st.integers(0, 2**32 - 1))
def test_property_reordering_a_periods_rows_leaves_pooled_weights_unchanged(
    frame: pl.DataFrame, seed: int
) -> None:
    # arrange: the last period's rows shuffled and moved to the top
    assume(frame["period"].n_unique() == 2)
    spec = memory_spec(
        {"id": "root", "weights": {"method": "entropy"}, "children": list(IDS)}
    )
    first = frame.filter(pl.col("period") == 2021)
    second = frame.filter(pl.col("period") == 2022)
    order = np.random.default_rng(seed).permutation(second.height)
    reordered = pl.concat([second[order.tolist()], first])

    # act
    w0 = nodes_of(gdindex.compute(spec, frame))["root"].weights
    w1 = nodes_of(gdindex.compute(spec, reordered))["root"].weights

    # assert
    assert_allclose(w1, w0, rtol=1e-9, atol=1e-12)
