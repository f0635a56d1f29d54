"""Result files: contract columns, formats, manifest, atomic and byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import gdindex
from gdindex import io
from gdindex.pipeline import outputs as export
from tests.conftest import INDICATOR_COLUMNS, SCORE_COLUMNS

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
    from tests.conftest import SPEC_YAML, write_project

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
