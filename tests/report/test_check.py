"""Rendering of the data audit: language, flags, CJK alignment, errors first."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from rich.cells import cell_len
from rich.console import Console

from gdindex.analysis.datacheck import DataCheck, check_data
from gdindex.errors import Issue
from gdindex.report.check import (
    fmt_share,
    fmt_value,
    indicator_table,
    issue_table,
    render_check,
    unit_table,
)
from tests.conftest import (
    DATA_CSV,
    SPEC_YAML,
    render,
    separator_columns,
    table_blocks,
    write_project,
)

BOUNDED_SPEC = SPEC_YAML.replace(
    "{id: i4, name: {zh: 指标四, en: Four}, direction: -1}",
    "{id: i4, name: {zh: 指标四（百分比）, en: Four}, direction: -1, bounds: [0, 100]}",
)
BOUNDED_DATA = DATA_CSV.replace("A,2021,10,5,1,100", "A,2021,10,5,1,120")


@pytest.fixture
def bounded(tmp_path: Path) -> DataCheck:
    return check_data(write_project(tmp_path, BOUNDED_SPEC, BOUNDED_DATA))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cjk_columns_align(bounded: DataCheck, lang: str) -> None:
    buffer = io.StringIO()
    render_check(bounded, Console(file=buffer, width=160, color_system=None), lang)

    blocks = table_blocks(buffer.getvalue())

    assert len(blocks) == 4  # indicators, units, periods, issues
    for block in blocks:
        assert len({cell_len(line) for line in block}) == 1
        rows = [line for line in block[1:-1] if not line.startswith(("┡", "├"))]
        assert len({separator_columns(line) for line in rows}) == 1


def test_headers_follow_the_language(bounded: DataCheck) -> None:
    zh = render(indicator_table(bounded, "zh"))
    en = render(indicator_table(bounded, "en"))

    assert "覆盖率" in zh and "标准差" in zh and "指标四（百分比）" in zh
    assert "Coverage" in en and "SD" in en and "Four" in en
    assert "Coverage" not in zh and "覆盖率" not in en


def test_indicator_rows_show_statistics_and_flags(bounded: DataCheck) -> None:
    text = render(indicator_table(bounded, "en"))

    i1 = next(line for line in text.splitlines() if line.startswith("│i1 "))
    assert "21.50" in i1 and "9.79" in i1 and "100.0%" in i1  # mean, sd, coverage
    i3 = next(line for line in text.splitlines() if line.startswith("│i3 "))
    assert "83.3%" in i3
    i4 = next(line for line in text.splitlines() if line.startswith("│i4 "))
    assert "out of bounds 1" in i4


def test_units_table_lists_incomplete_units_lowest_first(bounded: DataCheck) -> None:
    check = DataCheck(
        bounded.spec,
        bounded.indicators,
        bounded.units.with_columns(
            coverage=pl.Series([0.5, 0.875, 1.0]), missing=pl.Series([4, 1, 0])
        ),
        bounded.periods,
    )

    text = render(unit_table(check, "en", limit=1))

    assert "Units with missing values (2)" in text and "the lowest 1 shown" in text
    assert "Alpha 甲城" in text and "Beta" not in text and "Gamma" not in text


def test_units_table_is_none_when_every_unit_is_complete(tmp_path: Path) -> None:
    full = DATA_CSV.replace("B,2021,20,3,,80", "B,2021,20,3,2,80")
    check = check_data(write_project(tmp_path, data=full))

    assert unit_table(check, "zh") is None
    out = io.StringIO()
    render_check(check, Console(file=out, width=160, color_system=None), "zh")
    assert "每个单位都有全部数据" in out.getvalue()


def test_issue_table_puts_errors_first() -> None:
    issues = [
        Issue("a", "just a warning", None, "warning", "outliers"),
        Issue("b", "broken", "fix it", "error", "out-of-bounds"),
    ]

    text = render(issue_table(issues, "zh"))

    assert text.index("broken") < text.index("just a warning")
    assert "错误" in text and "警告" in text and "问题 (2)" in text


def test_summary_line_counts_errors_and_warnings(bounded: DataCheck) -> None:
    out = io.StringIO()
    render_check(bounded, Console(file=out, width=160, color_system=None), "zh")

    last = out.getvalue().rstrip().splitlines()[-1]
    assert last == "数据检查 · 小指数: 3 个单位 × 2 期 × 4 个指标; 1 个错误，0 个警告"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (float("nan"), "—"),
        (0.0, "0"),
        (0.125, "0.125"),
        (12.345, "12.35"),
        (-4802.64, "-4802.6"),
        (123456789.0, "1.23e+08"),
        (0.0012, "1.20e-03"),
    ],
)
def test_fmt_value(value: float | None, text: str) -> None:
    assert fmt_value(value) == text


def test_fmt_share() -> None:
    assert fmt_share(5 / 6) == "83.3%" and fmt_share(None) == "—"


def test_prepared_values_get_their_own_row_saying_how_they_were_made() -> None:
    from tests.conftest import ROOT

    check = check_data(ROOT / "specs" / "guangdong_workbook.yaml")

    out = render(indicator_table(check, "en"), width=220)

    lines = out.splitlines()
    at = next(k for k, line in enumerate(lines) if "fiveg_bs_per_10k" in line)
    assert "↳ prepared" in lines[at + 1] and "÷ population_persons" in lines[at + 1]
    assert "43.39" in lines[at + 1]  # the rate's maximum, not the count's 80960
    at = next(k for k, line in enumerate(lines) if "software_revenue_to_gdp" in line)
    prepared = next(line for line in lines[at + 1 :] if "↳ prepared" in line)
    assert "outliers" in prepared and "3 treated" in prepared
    assert "outliers" not in lines[at]  # the flag belongs to the prepared values
