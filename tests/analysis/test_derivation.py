"""`derive_weights` and the `gdindex weights` command: tables, JSON, files."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from numpy.testing import assert_allclose

import gdindex
from gdindex.cli import app
from gdindex.errors import DataError
from tests.conftest import CliRunner, make_spec, table_blocks, write_project

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


RAW1 = {"x1": [10, 20, 30, 60], "x2": [0, 5, 5, 10], "x3": [40, 10, 30, 20]}


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


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)
SAATY = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]


SAATY_NUM = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])


# An inconsistent 3 × 3 matrix: 1 ≻ 2 ≻ 3 (twice as important), but 1 ~ 3
INCONSISTENT = [[1, 2, 1], ["1/2", 1, 2], [1, "1/2", 1]]


# weights.csv header (DESIGN §6, contract)
WEIGHTS_COLUMNS = "node,parent,weight,effective_weight,method"


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


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


def minmax01(x: list[float]) -> list[float]:
    lo, hi = min(x), max(x)
    return [(v - lo) / (hi - lo) for v in x]


def critic_by_hand(columns: list[list[float]]) -> list[float]:
    """y = minmax [0, 1]; C_j = sd_j · Σ_k (1 − r_jk); w ∝ C."""
    y = [minmax01(x) for x in columns]
    c = [
        statistics.stdev(yj)
        * sum(1 - (1.0 if yj is yk else statistics.correlation(yj, yk)) for yk in y)
        for yj in y
    ]
    return [v / sum(c) for v in c]


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


def directed(raw: dict[str, list[float]]) -> list[list[float]]:
    """Raw columns with the direction applied (x3 is a cost)."""
    return [[DIRECTION[k] * v for v in raw[k]] for k in INDS]


def test_derive_weights_with_in_memory_data_equals_compute() -> None:
    # arrange
    spec = make_spec(
        [{"id": "a"}, {"id": "b"}, {"id": "c", "direction": -1}],
        {"id": "root", "weights": {"method": "critic"}, "children": ["a", "b", "c"]},
    )
    frame = pl.DataFrame(
        {
            "unit": UNITS,
            "period": [2021] * 4,
            "a": RAW1["x1"],
            "b": [1, 5, 4, 10],
            "c": RAW1["x3"],
        }
    )

    # act
    found = gdindex.derive_weights(spec, data=frame)
    result = gdindex.compute(spec, frame)

    # assert
    assert found.from_data is True
    assert result.weighting is not None
    assert found.to_dict() == result.weighting.to_dict()
    expected = critic_by_hand([RAW1["x1"], [1, 5, 4, 10], [-v for v in RAW1["x3"]]])
    assert_allclose(found.nodes["root"].weights, expected, rtol=1e-10)


def cr_of_inconsistent() -> float:
    # 3 × 3: λmax = 1 + t + 1/t with t = (a12 · a23 · a31)^(1/3) = 4^(1/3)
    t = 4 ** (1 / 3)
    return ((1 + t + 1 / t) - 3) / 2 / 0.58


def test_load_spec_and_derive_weights_take_the_overrides(tmp_path: Path) -> None:
    # arrange
    path = project(tmp_path / "p")
    sets = ["tree.weights={method: ahp, matrix: [[1, 3, 5], [1, 3], [1]]}"]

    # act
    spec = gdindex.load_spec(path, overrides=sets)
    found = gdindex.derive_weights(path, overrides=sets)

    # assert
    assert spec.overrides == tuple(sets)
    w, *_ = ahp_by_hand(SAATY_NUM)
    assert_allclose(found.nodes["idx"].weights, w, rtol=1e-10)
    assert found.to_dict()["overrides"] == sets
    assert gdindex.load_spec(path).overrides == ()


def ahp_project(root: Path, data_file: str = "data.csv") -> Path:
    """Root (explicit 2 : 1) over p (AHP, Saaty) and x3; x1, x2 under p."""
    children = [
        {
            "id": "p",
            "name": {"zh": "支柱", "en": "Pillar"},
            "weight": 2,
            "weights": {"method": "ahp", "matrix": [[1, 3], [1]]},
            "children": ["x1", "x2"],
        },
        "x3",
    ]
    data = spec_data(children=children, data_file=data_file)
    return write_project(root, dump(data), DATA1, UNITS4)


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["名义权重", "派生权重", "有效权重", "层次分析法", "支柱"]),
        ("en", ["Nominal", "Derived", "Effective", "AHP", "Pillar"]),
    ],
)
def test_weights_command_prints_the_bilingual_table(
    tmp_path: Path, lang: str, labels: list[str]
) -> None:
    # arrange: Saaty's 3 × 3 on the root
    spec = project(tmp_path / "p", {"method": "ahp", "matrix": SAATY})
    spec2 = ahp_project(tmp_path / "q")

    # act
    code, out, err = run("weights", str(spec), "--lang", lang)
    code2, out2, err2 = run("weights", str(spec2), "--lang", lang)

    # assert
    assert (code, code2) == (0, 0), err + err2
    header = table_blocks(out)[0][1]
    for label in labels[:3]:
        assert label in header
    assert labels[3] in out and labels[4] in out2
    # AHP consistency of Saaty's matrix
    assert "λmax=3.0385" in out and "CI=0.0193" in out and "CR=0.0332" in out
    # the derived weights, as printed
    w, *_ = ahp_by_hand(SAATY_NUM)
    for wj in w:
        assert f"{wj:.4f}" in out
    # the 2-level tree: p weighs 2/3; x1 3/4 of p → effective 0.5
    row = next(line for line in out2.splitlines() if " x1 " in line)
    assert "0.7500" in row and "0.5000" in row


def test_weights_command_shows_an_inconsistent_but_accepted_matrix(
    tmp_path: Path,
) -> None:
    # arrange
    weights = {"method": "ahp", "matrix": INCONSISTENT, "max_cr": 0.2}
    spec = project(tmp_path / "p", weights)

    # act
    code, out, err = run("weights", str(spec), "--lang", "en")

    # assert: CR shown as failing Saaty's 0.1, and a warning
    assert code == 0, err
    assert f"CR={cr_of_inconsistent():.4f} ✗" in out
    assert "inconsistent" in out


def test_weights_json_equals_derive_weights(tmp_path: Path) -> None:
    # arrange
    spec = ahp_project(tmp_path / "p")

    # act
    code, out, err = run("weights", str(spec), "--format", "json")

    # assert
    assert code == 0, err
    found = gdindex.derive_weights(spec).to_dict()
    assert json.loads(out) == found
    assert found["from_data"] is False
    assert [r["node"] for r in found["rows"]] == ["idx", "p", "x1", "x2", "x3"]


def test_weights_json_with_set_and_data_equals_derive_weights(tmp_path: Path) -> None:
    # arrange
    spec = project(tmp_path / "p", data=DATA2)
    sets = ["defaults.weights={method: critic, pool: base, base_period: 2022}"]

    # act
    code, out, err = run("weights", str(spec), "--format", "json", "--set", sets[0])

    # assert
    assert code == 0, err
    found = gdindex.derive_weights(spec, overrides=sets)
    assert json.loads(out) == found.to_dict()
    assert found.from_data is True
    assert found.to_dict()["overrides"] == sets
    assert_allclose(
        found.nodes["idx"].weights, critic_by_hand(directed(RAW2[2022])), rtol=1e-10
    )


def test_weights_out_writes_csv_and_json(tmp_path: Path) -> None:
    # arrange
    spec = ahp_project(tmp_path / "p")

    # act
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "out"))

    # assert
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "weights.csv",
        "weights.json",
    ]
    text = (tmp_path / "out" / "weights.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == WEIGHTS_COLUMNS
    frame = pl.read_csv(tmp_path / "out" / "weights.csv")
    w_ahp = [0.75, 0.25]  # 2 × 2: 3 : 1
    assert_allclose(frame["weight"].to_list(), [1, 2 / 3, *w_ahp, 1 / 3], rtol=1e-12)
    assert_allclose(
        frame["effective_weight"].to_list(),
        [1, 2 / 3, 2 / 3 * 0.75, 2 / 3 * 0.25, 1 / 3],
        rtol=1e-12,
    )
    doc = json.loads((tmp_path / "out" / "weights.json").read_text("utf-8"))
    assert doc == gdindex.derive_weights(spec).to_dict()


def test_weights_without_data_driven_methods_read_no_data(tmp_path: Path) -> None:
    # arrange: the data file does not exist
    spec = ahp_project(tmp_path / "p", data_file="missing.csv")
    assert not (tmp_path / "p" / "missing.csv").exists()

    # act
    code, out, err = run("weights", str(spec), "--lang", "en")
    found = gdindex.derive_weights(spec)

    # assert
    assert code == 0, err
    assert "no data read" in out
    assert found.from_data is False
    assert_allclose(found.nodes["p"].weights, [0.75, 0.25], rtol=1e-12)


def test_weights_with_data_driven_methods_and_no_data_fail(tmp_path: Path) -> None:
    # arrange: entropy needs the (missing) data
    data = spec_data({"method": "entropy"}, data_file="missing.csv")
    spec = write_project(tmp_path / "p", dump(data), DATA1, UNITS4)

    # act
    code, _, err = run("weights", str(spec))

    # assert
    assert code == 1
    assert "missing.csv" in err
    with pytest.raises(DataError):
        gdindex.derive_weights(spec)


def test_weights_command_reports_zero_weights(tmp_path: Path) -> None:
    # arrange: x2 constant at 7 for every unit, goalposts keep it a constant score
    data = spec_data({"method": "entropy"})
    data["indicators"][1]["normalise"] = {"method": "goalposts", "worst": 0, "best": 10}
    const = DATA1.replace(",0,40", ",7,40").replace(",5,", ",7,")
    const = const.replace(",10,20", ",7,20")
    spec = write_project(tmp_path / "p", dump(data), const, UNITS4)

    # act
    code, out, err = run("weights", str(spec), "--format", "json")

    # assert
    assert code == 0, err
    doc = json.loads(out)
    assert doc["nodes"][0]["weights"]["x2"] == 0.0
    assert [i["code"] for i in doc["issues"]] == ["zero-weight"]
    # rendered too
    code, text, _ = run("weights", str(spec), "--lang", "en")
    assert code == 0 and "x2" in text and "weight 0" in text
