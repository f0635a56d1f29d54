"""Result files: contract columns, formats, manifest, atomic and byte-identical."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from numpy.testing import assert_allclose

import gdindex
from gdindex import io
from gdindex.cli import app
from gdindex.pipeline import outputs as export
from tests.conftest import (
    INDICATOR_COLUMNS,
    SCORE_COLUMNS,
    SPEC_YAML,
    CliRunner,
    write_project,
)

CONTRACT = {
    "scores": SCORE_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "weights": ["node", "parent", "weight", "effective_weight", "method"],
    "groups": ["group_by", "group", "period", "node", "score", "growth_pct", "n_units"],
}


@pytest.fixture
def result(tiny_spec: Path) -> gdindex.IndexResult:
    return gdindex.compute(tiny_spec)


def test_contract_columns(result: gdindex.IndexResult, tmp_path: Path) -> None:
    gdindex.write_outputs(result, tmp_path)

    for name, columns in CONTRACT.items():
        assert pl.read_csv(tmp_path / f"{name}.csv").columns == columns


def test_csv_full_precision_and_empty_missing(
    result: gdindex.IndexResult, tmp_path: Path
) -> None:
    gdindex.write_outputs(result, tmp_path)

    text = (tmp_path / "scores.csv").read_text(encoding="utf-8")
    assert "A,2021,idx,index,0,26.666666666666664,3,,," in text
    ind = (tmp_path / "indicators.csv").read_text(encoding="utf-8")
    assert "B,2021,i3,,,," in ind  # missing raw, prepared, normalised and flag


@pytest.mark.parametrize("fmt", ["parquet", "json"])
def test_other_formats_round_trip(
    result: gdindex.IndexResult, tmp_path: Path, fmt: str
) -> None:
    gdindex.write_outputs(result, tmp_path, fmt)

    path = tmp_path / f"scores.{fmt}"
    frame = pl.read_parquet(path) if fmt == "parquet" else pl.read_json(path)
    assert frame.height == result.scores.height
    assert frame["score"].to_list()[:3] == pytest.approx(
        result.scores["score"].to_list()[:3]
    )


def test_manifest_time_is_opt_in(result: gdindex.IndexResult) -> None:
    assert "created" not in export.manifest(result)
    assert "created" in export.manifest(result, with_time=True)


def test_manifest_hashes_and_warnings(result: gdindex.IndexResult) -> None:
    meta = export.manifest(result)

    assert all(len(i["sha256"]) == 64 for i in meta["inputs"])
    assert meta["methods"]["normalise"][0]["params"]["method"] == "minmax"
    assert meta["methods"]["normalise"][0]["indicators"] == ["i1", "i2", "i3", "i4"]
    assert json.dumps(meta)  # JSON-serialisable


def test_failed_write_leaves_directory_unchanged(
    result: gdindex.IndexResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    gdindex.write_outputs(result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    original = io.write_frame

    def flaky(frame: pl.DataFrame, path: Path, fmt: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        original(frame, path, fmt)

    monkeypatch.setattr(export, "write_frame", flaky)
    with pytest.raises(gdindex.GdindexError, match="cannot write the results"):
        gdindex.write_outputs(result, out)

    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_rewrite_is_byte_identical(
    result: gdindex.IndexResult, tmp_path: Path, fmt: str
) -> None:
    gdindex.write_outputs(result, tmp_path / "a", fmt)
    gdindex.write_outputs(gdindex.compute(result.spec), tmp_path / "b", fmt)

    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_unknown_format(result: gdindex.IndexResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        gdindex.write_outputs(result, tmp_path, "xml")


def test_manifest_records_preparation_methods_and_counts(tmp_path: Path) -> None:
    from tests.conftest import write_project

    spec_text = SPEC_YAML.replace(
        "indicators:\n",
        "defaults:\n  impute: {method: group_mean}\nindicators:\n",
    )
    result = gdindex.compute(write_project(tmp_path, spec=spec_text))
    meta = json.loads(
        (gdindex.write_outputs(result, tmp_path / "out")[-1]).read_text("utf-8")
    )
    assert meta["preparation"] == {
        "denominate": 0,
        "impute": 1,
        "screen": 0,
        "treat": 0,
    }
    (entry,) = meta["methods"]["impute"]
    assert entry["params"]["method"] == "group_mean"
    assert entry["indicators"] == ["i1", "i2", "i3", "i4"]
    assert meta["methods"]["treat"] == [] and meta["methods"]["screen"] is None


UNITS4 = """code,name_zh,name_en
A,甲城,Alpha
B,乙城,Beta
C,丙城,Gamma
D,丁城,Delta
"""


INDS = ("x1", "x2", "x3")


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


def nodes_of(result: gdindex.IndexResult) -> dict[str, Any]:
    """How every inner node's weights were derived (`IndexResult.weighting`)."""
    assert result.weighting is not None
    return result.weighting.nodes


def derived(result: gdindex.IndexResult, node: str = "idx") -> list[float]:
    """The derived (rescaled) weights of `node`'s children, in tree order."""
    return [float(w) for w in nodes_of(result)[node].weights]


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


# AHP (a = 0.3) with entropy over the 2021 rows (shift 0.01) on a pillar,
# critic at the root
FULL_WEIGHTS = {
    "method": "ahp",
    "matrix": SAATY,
    "combine": {
        "a": 0.3,
        "with": {
            "method": "entropy",
            "pool": "base",
            "base_period": 2021,
            "shift": 0.01,
        },
    },
}


FULL_CHILDREN: list[Any] = [
    {"id": "p", "weights": FULL_WEIGHTS, "children": list(INDS)},
]


def full_project(root: Path) -> Path:
    """Root (equal) over one pillar p: AHP (a = 0.3) + entropy on base 2021."""
    data = spec_data({"method": "equal"}, children=FULL_CHILDREN)
    return write_project(root, dump(data), DATA2, UNITS4)


def test_weights_csv_has_exactly_the_contract_columns(tmp_path: Path) -> None:
    # arrange
    result = gdindex.compute(full_project(tmp_path / "p"))

    # act
    gdindex.write_outputs(result, tmp_path / "out")

    # assert
    text = (tmp_path / "out" / "weights.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == WEIGHTS_COLUMNS
    frame = pl.read_csv(tmp_path / "out" / "weights.csv")
    assert frame["node"].to_list() == ["idx", "p", "x1", "x2", "x3"]
    assert (
        frame["method"].to_list()
        == ["root", "equal", "ahp+entropy"] + ["ahp+entropy"] * 2
    )
    assert_allclose(frame["weight"].to_list()[2:], derived(result, "p"), rtol=1e-15)
    assert frame["effective_weight"][2:].sum() == pytest.approx(1.0)


def test_manifest_records_every_nodes_derivation(tmp_path: Path) -> None:
    # arrange
    result = gdindex.compute(full_project(tmp_path / "p"))

    # act
    gdindex.write_outputs(result, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))

    # assert
    weights = manifest["methods"]["weights"]
    assert list(weights) == ["idx", "p"]
    assert weights["idx"]["method"] == "equal"
    assert weights["idx"]["where"] == "tree.weights"
    p = weights["p"]
    assert p["method"] == "ahp+entropy"
    assert p["where"] == "tree.children[0].weights"
    ahp, entropy = p["components"]
    # AHP: parameters and consistency
    assert ahp["method"] == "ahp" and ahp["share"] == pytest.approx(0.3)
    assert ahp["params"]["max_cr"] == 0.1
    assert ahp["params"]["matrix"] == SAATY
    _, lambda_max, ci, cr = ahp_by_hand(SAATY_NUM)
    assert ahp["ahp"]["lambda_max"] == pytest.approx(lambda_max, rel=1e-10)
    assert ahp["ahp"]["ci"] == pytest.approx(ci, rel=1e-8)
    assert ahp["ahp"]["cr"] == pytest.approx(cr, rel=1e-8)
    assert "rows" not in ahp
    # entropy: every parameter, and the rows it pooled (the 4 units of 2021)
    assert entropy["method"] == "entropy" and entropy["share"] == pytest.approx(0.7)
    assert entropy["params"] == {
        "method": "entropy",
        "pool": "base",
        "base_period": 2021,
        "shift": 0.01,
        "prenormalise": True,
    }
    assert entropy["rows"] == 4
    assert "ahp" not in entropy
    w_ent = entropy_by_hand(directed(RAW2[2021]), shift=0.01)
    assert list(entropy["weights"].values()) == pytest.approx(w_ent, rel=1e-10)
    # the node's weights are the mix
    w_ahp, *_ = ahp_by_hand(SAATY_NUM)
    mixed = [0.3 * a + 0.7 * b for a, b in zip(w_ahp, w_ent, strict=True)]
    assert list(p["weights"]) == list(INDS)
    assert list(p["weights"].values()) == pytest.approx(mixed, rel=1e-10)
    assert manifest["spec"]["overrides"] == []


def test_manifest_records_the_set_overrides(tmp_path: Path) -> None:
    # arrange
    spec = full_project(tmp_path / "p")
    sets = ["tree.children.p.weights.combine.a=0.6", "tree.weights.method=explicit"]

    # act
    code, _, err = run(
        "compute",
        str(spec),
        "--quiet",
        "--out",
        str(tmp_path / "out"),
        "--set",
        sets[0],
        "--set",
        sets[1],
    )

    # assert
    assert code == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["spec"]["overrides"] == sets
    p = manifest["methods"]["weights"]["p"]
    assert [c["share"] for c in p["components"]] == pytest.approx([0.6, 0.4])
    assert manifest["methods"]["weights"]["idx"]["method"] == "explicit"


def test_rerun_writes_byte_identical_files(tmp_path: Path) -> None:
    # arrange
    spec = full_project(tmp_path / "p")

    # act
    for name in ("a", "b"):
        code, _, err = run(
            "compute",
            str(spec),
            "--quiet",
            "--out",
            str(tmp_path / name),
            "--set",
            "tree.weights.method=critic",
        )
        assert code == 0, err
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "w1"))
    assert code == 0, err
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "w2"))
    assert code == 0, err

    # assert
    for first, second in (("a", "b"), ("w1", "w2")):
        names = sorted(p.name for p in (tmp_path / first).iterdir())
        assert names == sorted(p.name for p in (tmp_path / second).iterdir())
        for name in names:
            assert (tmp_path / first / name).read_bytes() == (
                tmp_path / second / name
            ).read_bytes(), name
    assert {"weights.csv", "manifest.json"} <= set(
        p.name for p in (tmp_path / "a").iterdir()
    )
