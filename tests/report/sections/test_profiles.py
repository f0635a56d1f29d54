"""The unit profiles: rank moves, strongest and weakest indicators, one
section per unit."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.document import Section
from gdindex.report.sections.profiles import (
    IndicatorRank,
    _profiles_section,
    rank_move,
    strongest_weakest,
)
from gdindex.report.sections.view import View
from tests.report.conftest import tables


def test_rank_move() -> None:
    assert rank_move(2, "zh") == "名次上升 2"
    assert rank_move(-1, "en") == "rank down 1"
    assert rank_move(0, "en") == "rank unchanged"


def test_strongest_and_weakest_do_not_overlap() -> None:
    rows = [
        IndicatorRank(f"i{k}", "p", 50.0, rank, k)
        for k, rank in enumerate([3, 1, 1, 5, 2, 4, 6, 6])
    ]

    best, worst = strongest_weakest(rows)

    assert [r.indicator for r in best] == ["i1", "i2", "i4"]  # ties in tree order
    assert [r.indicator for r in worst] == ["i6", "i7", "i3"]
    few_best, few_worst = strongest_weakest(rows[:3])
    assert [r.indicator for r in few_best] == ["i1", "i2"]
    assert [r.indicator for r in few_worst] == ["i0"]


def test_profiles_have_one_section_per_unit(tiny: IndexResult) -> None:
    section = _profiles_section(View(tiny, 2022, "zh"))
    profiles = [b for b in section.blocks if isinstance(b, Section)]

    assert [p.attrs["data-unit"] for p in profiles] == View(tiny, 2022, "zh").order
    captions = [t.caption for t in tables(profiles[0])]
    assert captions == [
        "分指数与中位数",
        "优势指标（排名最前）",
        "短板指标（排名最后）",
        "历年表现",
    ]
