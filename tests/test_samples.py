"""The shipped samples compute and say what their sources say.

Guangdong: the patterns the seed documents describe (shared/domain/seeds-digest.md
§1.3), as set membership rather than exact values. ASEM: pipeline 1 recomputed here
independently with NumPy from the raw CSV files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gdindex
from tests.conftest import ROOT, SPECS

NAMES = {
    "广州": "440100",
    "深圳": "440300",
    "珠海": "440400",
    "汕头": "440500",
    "佛山": "440600",
    "江门": "440700",
    "湛江": "440800",
    "肇庆": "441200",
    "惠州": "441300",
    "河源": "441600",
    "阳江": "441700",
    "清远": "441800",
    "东莞": "441900",
    "中山": "442000",
    "潮州": "445100",
    "揭阳": "445200",
    "云浮": "445300",
}


@pytest.fixture(scope="module")
def gd() -> gdindex.IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


def ranked(
    result: gdindex.IndexResult, node: str, period: int, by: str = "score"
) -> list[str]:
    rows = result.scores.filter((pl.col("node") == node) & (pl.col("period") == period))
    return rows.sort(by, descending=True, nulls_last=True)["unit"].to_list()


def test_guangdong_shape(gd: gdindex.IndexResult) -> None:
    assert gd.units.height == 21 and gd.periods == [2021, 2022, 2023]
    assert len(gd.spec.indicators) >= 36
    pillars = [c for c in gd.spec.tree.children or []]
    assert [p.id for p in pillars] == [
        "infrastructure",
        "industry",
        "innovation",
        "livelihood",
    ]
    assert all(len(p.children or []) >= 9 for p in pillars)
    assert any(i.direction == -1 for i in gd.spec.indicators)
    assert (
        sum(gd.spec.normalise_for(i).method == "target" for i in gd.spec.indicators)
        >= 5
    )


@pytest.mark.parametrize("period", [2021, 2022, 2023])
def test_guangzhou_and_shenzhen_lead(gd: gdindex.IndexResult, period: int) -> None:
    assert set(ranked(gd, "dei", period)[:2]) == {NAMES["广州"], NAMES["深圳"]}


def test_prd_leads_level_rest_grows_faster(gd: gdindex.IndexResult) -> None:
    rows = gd.groups.filter((pl.col("group_by") == "prd") & (pl.col("node") == "dei"))
    by = {(r["group"], r["period"]): r for r in rows.to_dicts()}
    for period in (2021, 2022, 2023):
        assert by[("珠三角", period)]["score"] > by[("粤东西北", period)]["score"]
    for period in (2022, 2023):
        assert (
            by[("粤东西北", period)]["growth_pct"]
            > by[("珠三角", period)]["growth_pct"]
        )


def test_named_fast_growers(gd: gdindex.IndexResult) -> None:
    top5 = ranked(gd, "dei", 2023, by="growth_pct")[:5]

    assert {NAMES["佛山"], NAMES["中山"], NAMES["肇庆"]} <= set(top5)


def test_innovation_pillar_tiers(gd: gdindex.IndexResult) -> None:
    order = ranked(gd, "innovation", 2023)

    assert set(order[:2]) == {NAMES["深圳"], NAMES["广州"]}
    assert set(order[2:7]) == {
        NAMES[c] for c in ("东莞", "佛山", "珠海", "中山", "汕头")
    }


def test_livelihood_dark_horses(gd: gdindex.IndexResult) -> None:
    quads = gd.quadrants.filter(
        (pl.col("node") == "livelihood") & (pl.col("period") == 2023)
    )
    dark = set(quads.filter(pl.col("quadrant") == "dark_horse")["unit"].to_list())

    assert {NAMES[c] for c in ("肇庆", "河源", "云浮", "潮州")} <= dark


def test_sector_growth_leaders(gd: gdindex.IndexResult) -> None:
    raw = gd.stages["raw"].filter(pl.col("period").is_in([2022, 2023]))

    def top3(indicator: str) -> set[str]:
        wide = raw.pivot(on="period", index="unit", values=indicator)
        grown = wide.with_columns(g=pl.col("2023") / pl.col("2022"))
        return set(grown.sort("g", descending=True)["unit"].head(3).to_list())

    assert top3("sector_digitalisation_medical") == {
        NAMES[c] for c in ("东莞", "清远", "阳江")
    }
    assert top3("sector_digitalisation_education") == {
        NAMES[c] for c in ("揭阳", "湛江", "江门")
    }


def test_provinces_panel_is_complete_and_guangdong_leads() -> None:
    result = gdindex.compute(SPECS / "provinces_innovation.yaml")

    assert result.units.height == 31 and result.periods == [2021, 2022, 2023]
    assert result.stages["raw"].null_count().sum_horizontal()[0] == 0
    assert ranked(result, result.nodes[0].id, 2023)[0] == "广东"


def _asem_reference() -> dict[str, float]:
    """Pipeline 1 on ASEM, written independently: min-max per indicator (direction
    applied), then at every level the mean of the available children."""
    folder = ROOT / "data" / "samples" / "asem"
    with open(folder / "ASEM_iMeta.csv", encoding="utf-8") as fh:
        meta = list(csv.DictReader(fh))
    with open(folder / "ASEM_iData.csv", encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    parent = {
        m["iCode"]: m["Parent"] for m in meta if m["Type"] in ("Indicator", "Aggregate")
    }
    values: dict[str, np.ndarray] = {}
    for m in meta:
        if m["Type"] != "Indicator":
            continue
        x = np.array([float(r[m["iCode"]]) if r[m["iCode"]] else np.nan for r in data])
        x = x * float(m["Direction"])
        values[m["iCode"]] = (x - np.nanmin(x)) / (np.nanmax(x) - np.nanmin(x)) * 100
    for level in ("2", "3", "4"):
        for m in meta:
            if m["Type"] == "Aggregate" and m["Level"] == level:
                kids = np.stack(
                    [v for k, v in values.items() if parent.get(k) == m["iCode"]]
                )
                values[m["iCode"]] = np.nanmean(kids, axis=0)
    return dict(zip([r["uCode"] for r in data], values["Index"], strict=True))


def test_asem_matches_independent_computation() -> None:
    result = gdindex.compute(SPECS / "asem.yaml")
    expected = _asem_reference()

    got = dict(
        result.scores.filter(pl.col("node") == "Index")
        .select("unit", "score")
        .iter_rows()
    )
    assert got.keys() == expected.keys()
    for unit, value in expected.items():
        assert got[unit] == pytest.approx(value, abs=1e-9)


def test_sample_data_generator_is_reproducible(tmp_path: Path) -> None:
    """Re-running the seeded generator gives the committed files byte for byte."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "repo"
    for sub in ("scripts", "data"):
        shutil.copytree(ROOT / sub, copy / sub)
    subprocess.run(
        [sys.executable, str(copy / "scripts" / "make_guangdong_sample.py")],
        check=True,
        cwd=copy,
        capture_output=True,
    )

    for name in ("indicators.csv", "indicators_2221.csv", "context.csv", "cities.csv"):
        committed = ROOT / "data" / "samples" / "guangdong" / name
        assert (
            copy / "data" / "samples" / "guangdong" / name
        ).read_bytes() == committed.read_bytes(), name


def test_guangdong_2221_framework_and_its_comparison() -> None:
    """The 2221 spec: four groups, eight level-2 nodes, shared and extra indicators;
    compared with the four-pillar spec (different trees, same cities)."""
    from gdindex.analysis.compare import compare

    spec = gdindex.load_spec(SPECS / "guangdong_2221.yaml")
    groups = spec.tree.children
    assert [g.id for g in groups] == [
        "two_cores",
        "two_factors",
        "two_foundations",
        "support_system",
    ]
    assert sum(len(g.children) for g in groups) == 8
    four = gdindex.load_spec(SPECS / "guangdong.yaml")
    shared = {i.id for i in spec.indicators} & {i.id for i in four.indicators}
    assert len(shared) == 30 and len(spec.indicators) == 43
    found = gdindex.validate(SPECS / "guangdong_2221.yaml")
    # the four-pillar indicators the 2221 tree leaves out are named, nothing else
    assert [i.code for i in found] == ["unused-column"]
    assert found[0].message.startswith("12 data column")

    cmp = compare(four, spec)
    assert cmp.summary["n_units"] == 21
    assert 0.9 < cmp.summary["spearman"] < 1.0
    assert cmp.summary["units_moved"] >= 1
    ranks = dict(zip(cmp.units["unit"], cmp.units["rank_b"], strict=True))
    assert {ranks["440300"], ranks["440100"]} == {1, 2}  # the twin peaks stay
