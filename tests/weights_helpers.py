"""Helpers shared by the tests of weights."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml
from hypothesis import settings
from hypothesis import strategies as st

import gdindex
from gdindex.cli import app
from tests.conftest import CliRunner, make_spec, write_project


def flat_tree(nominal: list[float], **node: Any) -> dict[str, Any]:
    """A root whose children i1, i2, … carry the `nominal` weights."""
    children = [{"id": f"i{k + 1}", "weight": w} for k, w in enumerate(nominal)]
    return {"id": "root", "children": children, **node}


UNITS4 = """code,name_zh,name_en
A,甲城,Alpha
B,乙城,Beta
C,丙城,Gamma
D,丁城,Delta
"""


UNITS = ["A", "B", "C", "D"]


INDS = ("x1", "x2", "x3")


DATA1 = """unit,period,x1,x2,x3
A,2021,10,0,40
B,2021,20,5,10
C,2021,30,5,30
D,2021,60,10,20
"""


RAW1 = {"x1": [10, 20, 30, 60], "x2": [0, 5, 5, 10], "x3": [40, 10, 30, 20]}


N1 = {
    "x1": [0.0, 20.0, 40.0, 100.0],
    "x2": [0.0, 50.0, 50.0, 100.0],
    "x3": [0.0, 100.0, 100 / 3, 200 / 3],
}


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


DIRECTION = {"x1": 1, "x2": 1, "x3": -1}


RAW2 = {
    2021: {"x1": [10, 20, 30, 60], "x2": [2, 5, 6, 10], "x3": [40, 10, 30, 20]},
    2022: {"x1": [12, 25, 33, 70], "x2": [3, 5, 7, 12], "x3": [38, 12, 28, 15]},
}


INCONSISTENT = [[1, 2, 1], ["1/2", 1, 2], [1, "1/2", 1]]


SAATY = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]


SAATY_NUM = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])


WEIGHTS_COLUMNS = "node,parent,weight,effective_weight,method"


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


def directed(raw: dict[str, list[float]]) -> list[list[float]]:
    """Raw columns with the direction applied (x3 is a cost)."""
    return [[DIRECTION[k] * v for v in raw[k]] for k in INDS]


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


def critic_by_hand(columns: list[list[float]]) -> list[float]:
    """y = minmax [0, 1]; C_j = sd_j · Σ_k (1 − r_jk); w ∝ C."""
    y = [minmax01(x) for x in columns]
    c = [
        statistics.stdev(yj)
        * sum(1 - (1.0 if yj is yk else statistics.correlation(yj, yk)) for yk in y)
        for yj in y
    ]
    return [v / sum(c) for v in c]


def cr_of_inconsistent() -> float:
    # 3 × 3: λmax = 1 + t + 1/t with t = (a12 · a23 · a31)^(1/3) = 4^(1/3)
    t = 4 ** (1 / 3)
    return ((1 + t + 1 / t) - 3) / 2 / 0.58


def ahp_by_hand(A: np.ndarray) -> tuple[list[float], float, float, float]:
    """Principal eigenvector (normalised), λmax, CI = (λ − m)/(m − 1), CR = CI/RI."""
    lam, vec = np.linalg.eig(A)
    k = int(np.argmax(lam.real))
    v = np.abs(vec[:, k].real)
    m = A.shape[0]
    lambda_max = float(lam[k].real)
    ci = (lambda_max - m) / (m - 1)
    ri = {3: 0.58, 4: 0.90, 5: 1.12}[m]
    return [float(x) for x in v / v.sum()], lambda_max, ci, ci / ri


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


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
