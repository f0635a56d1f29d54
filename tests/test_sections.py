"""The report's sections: labels, number formats and what each section shows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import gdindex
from gdindex.pipeline import IndexResult
from gdindex.report import sections
from gdindex.report.document import Cell, Section, Table
from gdindex.report.sections import IndicatorRank, View
from tests.conftest import make_spec


@pytest.fixture
def tiny(tiny_spec: Path) -> IndexResult:
    return gdindex.compute(tiny_spec)


def tables(section: Section) -> list[Table]:
    found: list[Table] = []

    def walk(blocks: list[object]) -> None:
        for b in blocks:
            if isinstance(b, Table):
                found.append(b)
            elif isinstance(b, Section):
                walk(list(b.blocks))
            elif hasattr(b, "columns"):
                for col in b.columns:  # type: ignore[attr-defined]
                    walk(col)

    walk(list(section.blocks))
    return found


def text(cell: str | Cell) -> str:
    return cell.text if isinstance(cell, Cell) else cell


def test_number_formats() -> None:
    assert sections.fmt(1.23456) == "1.23" and sections.fmt(None) == "—"
    assert sections.fmt(float("nan")) == "—" and sections.fmt(7) == "7"
    assert sections.fmt_signed(2.5) == Cell("+2.50", "up")
    assert sections.fmt_signed(-0.1, 1) == Cell("-0.1", "down")
    assert sections.fmt_signed(None) == Cell("—", "muted")
    assert sections.fmt_rank_change(2) == Cell("▲2", "up")
    assert sections.fmt_rank_change(-1) == Cell("▼1", "down")
    assert sections.fmt_rank_change(0) == Cell("–", "muted")
    assert sections.fmt_raw(76879.0) == "76,879"
    assert sections.fmt_raw(43.3912) == "43.39" and sections.fmt_raw(9.9) == "9.9"


def test_method_labels() -> None:
    spec = make_spec(["a"], defaults={"normalise": {"method": "target", "target": 90}})
    params = spec.normalise_for(spec.indicators[0])

    assert sections.method_name("ahp+entropy", "zh") == "层次分析法 + 熵权法"
    assert sections.method_name("entropy", "en") == "entropy"
    assert (
        sections._params_text(params, "zh") == "目标值法 target · target=90 · cap=true"
    )
    assert (
        sections._params_text(params, "en")
        == "distance to target · target=90 · cap=true"
    )


def test_rank_move() -> None:
    assert sections.rank_move(2, "zh") == "名次上升 2"
    assert sections.rank_move(-1, "en") == "rank down 1"
    assert sections.rank_move(0, "en") == "rank unchanged"


def test_strongest_and_weakest_do_not_overlap() -> None:
    rows = [
        IndicatorRank(f"i{k}", "p", 50.0, rank, k)
        for k, rank in enumerate([3, 1, 1, 5, 2, 4, 6, 6])
    ]

    best, worst = sections.strongest_weakest(rows)

    assert [r.indicator for r in best] == ["i1", "i2", "i4"]  # ties in tree order
    assert [r.indicator for r in worst] == ["i6", "i7", "i3"]
    few_best, few_worst = sections.strongest_weakest(rows[:3])
    assert [r.indicator for r in few_best] == ["i1", "i2"]
    assert [r.indicator for r in few_worst] == ["i0"]


def test_view_orders_units_and_takes_medians(tiny: IndexResult) -> None:
    view = View(tiny, 2022, "en")
    index = tiny.scores.filter(pl.col("node") == "idx", pl.col("period") == 2022)

    assert view.order == index.sort("rank")["unit"].to_list()
    assert view.has_growth and view.previous == 2021
    assert view.medians["idx"] == pytest.approx(index["score"].median())
    assert view.labels["A"] == "Alpha 甲城" and view.names["A"] == "Alpha"
    assert view.n_scored == 3


def test_tree_table_has_one_row_per_node(tiny: IndexResult) -> None:
    table = sections._tree_table(View(tiny, 2022, "zh"))

    assert [r[1] for r in table.rows] == [n.id for n in tiny.nodes]
    weights = {r[1]: r[2] for r in table.rows}
    assert weights["p1"] == "0.6667" and weights["p2"] == "0.3333"
    directions = {r[1]: r[5] for r in table.rows}
    assert directions["i4"] == "↓" and directions["i1"] == "↑"


def test_ranking_table_columns(tiny: IndexResult) -> None:
    section = sections._ranking_section(View(tiny, 2022, "en"))
    [table] = tables(section)

    assert table.header == [
        "Rank",
        "Rank Δ",
        "Unit",
        "Index",
        "Change",
        "Growth %",
        "P1",
        "P2",
        "Quadrant",
    ]
    assert len(table.rows) == 3
    assert [f.kind for f in section.blocks if hasattr(f, "kind")] == ["ranking"]


def test_first_period_ranking_has_no_growth_columns(tiny: IndexResult) -> None:
    [table] = tables(sections._ranking_section(View(tiny, 2021, "en")))

    assert table.header == ["Rank", "Unit", "Index", "P1", "P2"]


def test_profiles_have_one_section_per_unit(tiny: IndexResult) -> None:
    section = sections._profiles_section(View(tiny, 2022, "zh"))
    profiles = [b for b in section.blocks if isinstance(b, Section)]

    assert [p.attrs["data-unit"] for p in profiles] == View(tiny, 2022, "zh").order
    captions = [t.caption for t in tables(profiles[0])]
    assert captions == [
        "分指数与中位数",
        "优势指标（排名最前）",
        "短板指标（排名最后）",
        "历年表现",
    ]


def test_groups_section_needs_groupings(tiny: IndexResult) -> None:
    spec = make_spec(["a", "b"])
    frame = pl.DataFrame(
        {
            "unit": ["x", "y", "x", "y"],
            "period": [1, 1, 2, 2],
            "a": [1.0, 2, 3, 4],
            "b": [4.0, 3, 2, 1],
        }
    )
    plain = gdindex.compute(spec, data=frame)

    assert sections._group_section(View(plain, 2, "zh")) is None
    grouped = sections._group_section(View(tiny, 2022, "zh"))
    assert grouped is not None
    assert [text(r[0]) for r in tables(grouped)[0].rows] == ["北", "南"]


def test_notes_without_preparation_say_so(tiny: IndexResult) -> None:
    section = sections._notes_section(View(tiny, 2022, "en"))

    assert "No data preparation" in section.blocks[0].text  # type: ignore[union-attr]
    missing = tables(section)[-1]
    assert [r[2] for r in missing.rows] == ["1", "0"]  # B's i3 in 2021
