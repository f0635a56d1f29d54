"""`gdindex explain` tables in both languages at 80 columns."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

import gdindex
from gdindex.analysis.explain import explain
from gdindex.report.explain import num, render_explanation
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def result() -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fits_80_columns_with_whole_numbers(
    result: gdindex.IndexResult, lang: str
) -> None:
    ex = explain(result, "Shantou", vs="PRD")
    buffer = io.StringIO()

    render_explanation(ex, Console(file=buffer, width=80, color_system=None), lang)

    text = buffer.getvalue()
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for row in ex.contributions.iter_rows(named=True):
        assert num(row["effective_weight"], 4) in text
        assert f"{row['gap_contribution']:+.3f}" in text
    assert ("排名解读" if lang == "zh" else "Why this rank") in text


def test_the_median_unit_is_told_so(result: gdindex.IndexResult) -> None:
    ex = explain(result, "肇庆")
    buffer = io.StringIO()

    render_explanation(ex, Console(file=buffer, width=120, color_system=None), "en")

    assert ex.reference_units == ["441200"]
    assert "it is the median unit itself" in buffer.getvalue()
