"""Result files: contract columns, formats, manifest, atomic and byte-identical."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from numpy.testing import assert_allclose

import gdindex
from gdindex import io
from gdindex.pipeline import outputs as export
from tests.conftest import (
    INDICATOR_COLUMNS,
    ROOT,
    SCORE_COLUMNS,
    SPEC_YAML,
    write_project,
)
from tests.weights_helpers import (
    DATA2,
    INDS,
    RAW2,
    SAATY,
    SAATY_NUM,
    UNITS4,
    WEIGHTS_COLUMNS,
    ahp_by_hand,
    derived,
    directed,
    dump,
    entropy_by_hand,
    run,
    spec_data,
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
    original = io.write_frames

    def flaky(blocks: Iterable[pl.DataFrame], path: Path, fmt: str) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(blocks, path, fmt)

    monkeypatch.setattr(export, "write_frames", flaky)
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


# 4 units × 2 periods, every raw value positive (cv can use every child).


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)


# weights.csv header (DESIGN §6, contract)


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


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_compute_outputs_writes_the_files_of_write_outputs(
    tiny_spec: Path, tmp_path: Path, fmt: str
) -> None:
    spec = gdindex.load_spec(tiny_spec)
    expected = gdindex.write_outputs(gdindex.compute(spec), tmp_path / "a", fmt)

    result, written = export.compute_outputs(spec, tmp_path / "b", fmt)

    assert [p.name for p in written] == [p.name for p in expected]
    assert _snapshot(tmp_path / "b") == _snapshot(tmp_path / "a")
    assert result.scores.equals(gdindex.compute(spec).scores)


def test_compute_outputs_on_the_guangdong_sample(tmp_path: Path) -> None:
    # preparation flags, groups and every table, as write_outputs writes them
    spec = gdindex.load_spec(ROOT / "specs" / "guangdong.yaml")
    gdindex.write_outputs(gdindex.compute(spec), tmp_path / "a")

    export.compute_outputs(spec, tmp_path / "b")

    assert _snapshot(tmp_path / "b") == _snapshot(tmp_path / "a")


def test_compute_outputs_creates_nothing_when_the_data_fail(tmp_path: Path) -> None:
    bad = write_project(
        tmp_path / "bad",
        SPEC_YAML.replace(
            "indicators:", "defaults:\n  aggregate: {method: geometric}\nindicators:"
        ),
    )

    with pytest.raises(gdindex.DataError):
        export.compute_outputs(gdindex.load_spec(bad), tmp_path / "new" / "out")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_a_failed_check_abandons_the_begun_set(
    tiny_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # arrange: an old set, and a different one begun before the check fails
    out = tmp_path / "out"
    gdindex.write_outputs(gdindex.compute(tiny_spec), out)
    before = _snapshot(out)
    other = gdindex.load_spec(tiny_spec, ("tree.children.p1.weight=5",))
    steps: list[str] = []
    monkeypatch.setattr(io.write, "STEP_HOOK", steps.append)

    def check(result: gdindex.IndexResult) -> None:
        raise ValueError("no such period")

    # act
    with pytest.raises(ValueError, match="no such period"):
        export.compute_outputs(other, out, check=check)

    # assert: tables were written, never swapped in, and nothing is left over
    assert "wrote indicators.csv" in steps and "swapped" not in steps
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".gdindex-*"))


def test_compute_outputs_into_a_file_is_an_output_error(
    tiny_spec: Path, tmp_path: Path
) -> None:
    (tmp_path / "out").write_text("mine", encoding="utf-8")

    with pytest.raises(gdindex.GdindexError) as caught:
        export.compute_outputs(gdindex.load_spec(tiny_spec), tmp_path / "out")

    assert caught.value.issues[0].code == "not-a-directory"
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine"
