"""Fixtures and helpers of the report tests: the tiny and Guangdong results, the
tables of a section, the text of a cell, every chart of a result."""

from __future__ import annotations

from pathlib import Path

import pytest

import gdindex
from gdindex.pipeline import IndexResult
from gdindex.report.charts import frames, plots
from gdindex.report.document import Cell, Section, Table
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def guangdong() -> IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


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


def all_charts(result: IndexResult, lang: str = "zh") -> dict[str, object]:
    period = result.latest_period
    found: dict[str, object] = {
        "ranking": plots.ranking_chart(result, period, lang),
        "heatmap": plots.heatmap_chart(result, period, lang),
        "quadrant": plots.quadrant_chart(result, period, lang),
        "trend": plots.trend_chart(result, lang),
        "profile": plots.profile_chart(result, result.units["unit"][0], period, lang),
    }
    for g in frames.groupings(result):
        found[f"group-{g.column}"] = plots.group_chart(result, g, period, lang)
    return found


def synthetic_result(folder: Path, units: int, indicators: int = 8) -> IndexResult:
    """The index of bench/synth.py's seeded messy panel (2 periods, 5 regions)."""
    import sys

    bench = str(Path(__file__).resolve().parents[2] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    import synth  # type: ignore[import-not-found]

    return gdindex.compute(synth.write(folder, units, 2, indicators, messy=True))
