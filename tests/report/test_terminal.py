"""Rich terminal reports: content, language, CJK alignment, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

import gdindex
from gdindex.errors import Issue, SpecError
from gdindex.report.terminal import (
    group_tables,
    ranking_table,
    render_error,
    render_issues,
    render_result,
)
from tests.conftest import SPECS, render, table_blocks


@pytest.fixture(scope="module")
def guangdong() -> gdindex.IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cjk_columns_align(guangdong: gdindex.IndexResult, lang: str) -> None:
    buffer = io.StringIO()
    render_result(
        guangdong, Console(file=buffer, width=150, color_system=None), lang=lang
    )

    blocks = table_blocks(buffer.getvalue())

    assert len(blocks) == 4  # ranking + three groupings
    for block in blocks:
        widths = {cell_len(line) for line in block}
        assert len(widths) == 1, widths
        # every row has its column separators at the same display positions
        seps = {
            tuple(i for i, ch in enumerate(_cells(line)) if ch and ch in "│┃")
            for line in block[1:-1]
            if not line.startswith(("┡", "├"))
        }
        assert len(seps) == 1


def _cells(line: str) -> list[str]:
    out: list[str] = []
    for ch in line:
        out.extend([ch] + [""] * (cell_len(ch) - 1))
    return out


def test_ranking_table_content(guangdong: gdindex.IndexResult) -> None:
    text = render(ranking_table(guangdong, 2023, "zh"))

    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert len(lines) == 21
    assert "深圳 Shenzhen" in lines[0] and "广州 Guangzhou" in lines[1]
    assert "▲1" in text and "▼1" in text
    for header in ("排名", "地区", "增速%", "基础", "产业", "双创", "智慧民生", "象限"):
        assert header in text
    assert "黑马" in text and "双高" in text


def test_ranking_table_english_and_top(guangdong: gdindex.IndexResult) -> None:
    text = render(ranking_table(guangdong, 2023, "en", top=3))

    assert sum(line.startswith("│") for line in text.splitlines()) == 3
    assert "Shenzhen 深圳" in text
    for header in ("Rank", "Growth %", "Infrastructure", "Smart livelihood"):
        assert header in text


def test_first_period_has_no_growth_columns(guangdong: gdindex.IndexResult) -> None:
    text = render(ranking_table(guangdong, 2021, "en"))

    assert "Growth %" not in text and "Quadrant" not in text and "▲" not in text
    assert "2021" in text


def test_group_tables(guangdong: gdindex.IndexResult) -> None:
    tables = group_tables(guangdong, 2023, "zh")

    text = render(tables[0])
    assert "珠三角 Pearl River Delta" in text and "粤东西北" in text
    assert len(tables) == 3


def test_warnings_panel(tiny_spec: Path) -> None:
    from tests.conftest import DATA_CSV, SPEC_YAML, write_project

    data = DATA_CSV + "A,2020,1,1,1,1\n"
    result = gdindex.compute(write_project(tiny_spec.parent / "w", SPEC_YAML, data))
    buffer = io.StringIO()

    render_result(result, Console(file=buffer, width=150, color_system=None))

    # the 2020 rows outside the periods, then the tiny spec's own growth gaps
    n = len(result.issues)
    assert f"提示 ({n})" in buffer.getvalue() and "2020" in buffer.getvalue()


def test_render_error_lists_every_issue() -> None:
    error = SpecError(
        "bad spec",
        [Issue("a.yaml:3: tree", "one", "fix one"), Issue("a.yaml:9: data", "two")],
    )

    text = render_to_text(lambda c: render_error(error, c))

    assert "bad spec" in text and "a.yaml:3: tree" in text and "fix one" in text
    assert "a.yaml:9: data" in text and "two" in text


def test_render_issues_table() -> None:
    issues = [Issue("x", "broken"), Issue("y", "odd", severity="warning")]

    text = render_to_text(lambda c: render_issues(issues, c, "check", "en"))
    zh = render_to_text(lambda c: render_issues(issues, c, "check"))

    assert "error" in text and "warning" in text and "broken" in text
    assert "Level" in text and "Problem" in text and "Hint" in text
    assert "错误" in zh and "警告" in zh and "问题" in zh and "warning" not in zh


def render_to_text(fn: object) -> str:
    buffer = io.StringIO()
    fn(Console(file=buffer, width=150, color_system=None))  # type: ignore[operator]
    return buffer.getvalue()


def test_preparation_table_says_what_each_step_touched(tmp_path: Path) -> None:
    from gdindex.report.terminal import preparation_table
    from tests.conftest import SPEC_YAML, write_project

    spec_text = SPEC_YAML.replace(
        "indicators:\n",
        "defaults:\n  impute: {method: group_mean}\n"
        "  treat: {method: winsorise}\nindicators:\n",
    )
    result = gdindex.compute(write_project(tmp_path, spec=spec_text))
    zh = render(preparation_table(result, "zh"))
    en = render(preparation_table(result, "en"))
    assert "数据预处理" in zh and "缺失插补" in zh and "group_mean" in zh
    assert "Impute" in en and "Beta 2021 i3" in en
    assert "乙城 2021 i3" in zh
    row = next(line for line in en.splitlines() if "Impute" in line)
    assert "│ 1 " in row or " 1 │" in row  # one indicator, one cell
    assert "Treat" not in en  # winsorise configured but nothing failed the test
    full = io.StringIO()
    render_result(result, Console(file=full, width=160, color_system=None), lang="en")
    assert "Data preparation" in full.getvalue()


def test_no_preparation_table_when_nothing_is_prepared(
    guangdong: gdindex.IndexResult,
) -> None:
    from gdindex.report.terminal import preparation_table

    assert preparation_table(guangdong) is None


def test_every_registered_method_has_a_name_in_both_languages() -> None:
    from gdindex.methods.aggregate import AGGREGATORS
    from gdindex.methods.normalise import NORMALISERS
    from gdindex.methods.weighting import WEIGHTS
    from gdindex.report.terminal import METHOD_NAMES

    methods = [*NORMALISERS.names(), *AGGREGATORS.names(), *WEIGHTS.names()]
    unnamed = [
        m
        for m in methods
        if m not in METHOD_NAMES
        or not all(METHOD_NAMES[m].get(k) for k in ("zh", "en"))
    ]

    assert methods and unnamed == []
