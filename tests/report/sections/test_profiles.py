"""The unit profiles: rank moves, one section per unit, and the same numbers as
`gdindex explain` (DESIGN §9.2, issue 12)."""

from __future__ import annotations

import pytest

from gdindex.analysis.explain import explain
from gdindex.pipeline import IndexResult
from gdindex.report.document import Section, Table
from gdindex.report.sections.profiles import _profiles_section, gap_rows, rank_move
from gdindex.report.sections.view import View
from tests.report.conftest import tables, text


def test_rank_move() -> None:
    assert rank_move(2, "zh") == "名次上升 2"
    assert rank_move(-1, "en") == "rank down 1"
    assert rank_move(0, "en") == "rank unchanged"


def profiles(result: IndexResult, period: object, lang: str = "zh") -> list[Section]:
    section = _profiles_section(View(result, period, lang))
    return [b for b in section.blocks if isinstance(b, Section)]


def by_caption(profile: Section, start: str) -> Table:
    return next(t for t in tables(profile) if (t.caption or "").startswith(start))


def test_profiles_have_one_section_per_unit(tiny: IndexResult) -> None:
    shown = profiles(tiny, 2022)

    assert [p.attrs["data-unit"] for p in shown] == View(tiny, 2022, "zh").order
    captions = [t.caption for t in tables(shown[0])]
    assert captions == [
        "分指数与中位数地区",
        "历年表现",
        "优势指标（排名最前）",
        "短板指标（排名最后）",
        "差距贡献：拖后腿最多与助力最多的指标",
    ]


@pytest.mark.parametrize("unit", ["440300", "441200", "445300"])
def test_profiles_show_explain_s_numbers(guangdong: IndexResult, unit: str) -> None:
    # the review found the profile's reference was the per-node median while
    # explain's is the median unit's score, and ties broken differently
    ex = explain(guangdong, unit, 2023)
    profile = next(
        p for p in profiles(guangdong, 2023, "en") if p.attrs["data-unit"] == unit
    )

    # reference and gaps, node by node
    pillars = by_caption(profile, "Pillars vs the median unit")
    nodes = {r["node"]: r for r in ex.nodes.iter_rows(named=True)}
    view = View(guangdong, 2023, "en")
    for row, node in zip(pillars.rows, [view.root, *view.pillars], strict=True):
        assert text(row[3]) == f"{nodes[node.id]['reference']:.1f}"
        assert text(row[4]) == f"{nodes[node.id]['gap']:+.1f}"
    # the contributions that hold the unit back and help it most
    gaps = by_caption(profile, "Gap contributions")
    expected = gap_rows(ex)
    assert [text(r[5]) for r in gaps.rows] == [
        f"{c['gap_contribution']:+.3f}" for c in expected
    ]
    assert [text(r[4]) for r in gaps.rows] == [
        f"{c['contribution']:.3f}" for c in expected
    ]
    # strongest and weakest: the same indicators, in the same order
    names = {n.id: view.node_name(n) for n in guangdong.nodes}
    for caption, frame in (("Strongest", ex.strongest), ("Weakest", ex.weakest)):
        listed = [text(r[0]) for r in by_caption(profile, caption).rows]
        assert listed == [names[i] for i in frame["indicator"]]


def test_gap_rows_are_both_ends_without_repeats(guangdong: IndexResult) -> None:
    ex = explain(guangdong, "441200", 2023)

    rows = gap_rows(ex, 3)

    gaps = ex.contributions["gap_contribution"].to_list()
    assert [r["gap_contribution"] for r in rows] == gaps[:3] + gaps[-3:]
    assert len({r["indicator"] for r in rows}) == 6


def test_profiles_are_deterministic(guangdong: IndexResult) -> None:
    first = profiles(guangdong, 2023)
    again = profiles(guangdong, 2023)

    assert [tables(p) for p in first] == [tables(p) for p in again]
