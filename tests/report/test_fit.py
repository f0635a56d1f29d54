"""Narrow terminals: no number is ever cut (`98.…`); columns are dropped or folded
in a sensible order and a line says what was left out and how to see it. Checked at
60, 80, 100, 120 and 200 columns, in Chinese and English, for the tables of
`compute`, `check`, `compare` and `weights`."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

import gdindex
from gdindex.analysis.compare import compare
from gdindex.analysis.datacheck import check_data
from gdindex.report.check import render_check
from gdindex.report.comparison import render_comparison
from gdindex.report.fit import drop_columns, fit_table, fits, left_out_note
from gdindex.report.terminal import render_result
from gdindex.report.weights import render_weights
from tests.conftest import SPECS

WIDTHS = [60, 80, 100, 120, 200]
LANGS = ["zh", "en"]


@pytest.fixture(scope="module")
def renderers() -> dict[str, Callable[[Console, str], None]]:
    spec = gdindex.load_spec(SPECS / "guangdong.yaml")
    result = gdindex.compute(spec)
    checked = check_data(spec)
    other = gdindex.load_spec(
        SPECS / "guangdong.yaml", overrides=("defaults.weights.method=equal",)
    )
    cmp = compare(spec, other)
    weighting = gdindex.derive_weights(spec)
    return {
        "compute": lambda c, lang: render_result(result, c, lang=lang),
        "check": lambda c, lang: render_check(checked, c, lang),
        "compare": lambda c, lang: render_comparison(cmp, c, lang),
        "weights": lambda c, lang: render_weights(weighting, c, lang),
    }


def shown(render: Callable[[Console, str], None], width: int, lang: str) -> str:
    buffer = io.StringIO()
    render(Console(file=buffer, width=width, color_system=None), lang)
    return buffer.getvalue()


def cut_marks(text: str) -> str:
    """The text without the "… (N more …)" (`…（另 N 项）`) of shortened example
    lists in messages, which say how much is left out; any other "…" is Rich
    cutting a cell."""
    flat = re.sub(r"[\s│]", "", text)
    return re.sub(r"…(\(\d+more|（另\d+)", "", flat)


@pytest.mark.parametrize("command", ["compute", "check", "compare", "weights"])
@pytest.mark.parametrize("lang", LANGS)
def test_nothing_is_cut_at_any_width(
    renderers: dict[str, Callable[[Console, str], None]], command: str, lang: str
) -> None:
    for width in WIDTHS:
        out = shown(renderers[command], width, lang)
        assert "…" not in cut_marks(out), (command, lang, width)
        assert max(cell_len(line) for line in out.splitlines()) <= width
        note = [line for line in out.splitlines() if "--wide" in line]
        if width == 200 and command != "check":
            assert not note, (command, lang, width)


def test_ranking_drops_in_order(
    renderers: dict[str, Callable[[Console, str], None]],
) -> None:
    wide = shown(renderers["compute"], 200, "zh")
    at_100 = shown(renderers["compute"], 100, "zh")
    at_80 = shown(renderers["compute"], 80, "zh")
    at_60 = shown(renderers["compute"], 60, "en")

    assert "100.0 (1)" in wide and "Shenzhen" in wide
    # 100 columns: pillar ranks go first; names and pillars stay
    table_100 = at_100.split("分组汇总")[0]
    assert "(1)" not in table_100 and "深圳 Shenzhen" in at_100 and "智慧民生" in at_100
    assert "未显示：分项排名。" in "".join(at_100.split())
    # 80 columns: then the English names; the pillar scores are still there
    assert "Shenzhen" not in at_80.split("分组汇总")[0] and "智慧民生" in at_80
    # 60 columns (en): the pillars too; every composite score is whole
    assert "pillarscores" in "".join(at_60.split())
    for score in ("98.62", "93.54", "72.57", "8.55"):
        assert score in at_60


def test_wide_keeps_every_column() -> None:
    from typer.testing import CliRunner

    from gdindex.cli import app

    spec = str(SPECS / "guangdong.yaml")
    out = CliRunner().invoke(app, ["compute", spec, "--wide"], env={"COLUMNS": "60"})

    assert out.exit_code == 0
    assert "100.0 (1)" in out.stdout and "--wide" not in out.stdout
    assert "…" not in cut_marks(out.stdout)


def test_fit_table_steps() -> None:
    table = Table("name", "a", "b")
    table.add_row("x" * 30, "1.25", "2.5")
    console = Console(width=20, file=io.StringIO())

    left = fit_table(console, table, [("b", ["b"]), 8])

    assert left == ["b"] and fits(console, table)
    assert [str(c.header) for c in table.columns] == ["name", "a"]
    assert [c._index for c in table.columns] == [0, 1]
    assert not drop_columns(table, ["zzz"])


def test_note_names_the_way_back() -> None:
    zh = left_out_note(["pillar_ranks", "other_names"], 80, "zh")
    en = left_out_note(["pillars"], 60, "en")

    assert zh is not None and "分项排名、英文名称" in zh.plain and "--wide" in zh.plain
    assert en is not None and re.search(r"60 columns: pillar scores", en.plain)
    assert "--format json" in en.plain
    assert left_out_note([], 80, "en") is None


_CELLS = st.one_of(
    st.text(alphabet="ab 12.–+▲深圳\n", max_size=8),
    st.builds(Text, st.text(alphabet="xy 9广州\n", max_size=8)),
    st.sampled_from(["[bold]x[/]", ":smile:", "a:b"]),  # markup: left to Rich
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(0, 4),
    columns=st.lists(
        st.tuples(
            _CELLS,  # header
            st.one_of(st.none(), st.integers(0, 6)),  # width
            st.one_of(st.none(), st.integers(0, 6)),  # min_width
            st.one_of(st.none(), st.integers(0, 6)),  # max_width
        ),
        min_size=1,
        max_size=5,
    ),
    cells=st.lists(_CELLS, min_size=20, max_size=20),
    box=st.booleans(),
    show_edge=st.booleans(),
    pad_edge=st.booleans(),
    show_header=st.booleans(),
    min_width=st.one_of(st.none(), st.integers(0, 60)),
    expand=st.booleans(),
)
def test_natural_width_is_richs_measure(
    rows, columns, cells, box, show_edge, pad_edge, show_header, min_width, expand
) -> None:
    """The measure from the cells' strings equals Rich's own, for every table shape
    the renderers could build (and Rich measures what it cannot)."""
    from rich import box as boxes
    from rich.measure import Measurement

    from gdindex.report.fit import natural_width

    table = Table(
        box=boxes.SIMPLE if box else None,
        show_edge=show_edge,
        pad_edge=pad_edge,
        show_header=show_header,
        min_width=min_width,
        expand=expand,
    )
    for header, width, lo, hi in columns:
        table.add_column(header, width=width, min_width=lo, max_width=hi)
    for r in range(rows):
        table.add_row(*cells[r * len(columns) : (r + 1) * len(columns)])
    console = Console(width=80, file=io.StringIO())
    rich_width = Measurement.get(
        console, console.options.update_width(100_000), table
    ).maximum

    assert natural_width(console, table) == rich_width


def test_the_renderers_tables_are_measured_from_their_strings() -> None:
    """The ranking table is plain cells: measured without rendering, same width."""
    from rich.measure import Measurement

    from gdindex.report.fit import _plain_width
    from gdindex.report.terminal import ranking_table

    result = gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))
    table = ranking_table(result, result.periods[-1], "zh", None)
    console = Console(width=80, file=io.StringIO())
    rich_width = Measurement.get(
        console, console.options.update_width(100_000), table
    ).maximum

    assert _plain_width(table) == rich_width


def test_what_only_the_group_tables_leave_out_is_said_under_them() -> None:
    """At 140 columns in English the ranking keeps its pillar scores while the
    group summaries drop theirs: the note names the group summaries, after them."""
    result = gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))
    buf = io.StringIO()
    console = Console(width=140, file=buf, color_system=None)

    render_result(result, console, lang="en")
    text = buf.getvalue()

    assert "Infrastructure" in text.split("Group summary")[0]  # the ranking kept it
    notes = [line for line in text.splitlines() if line.startswith("Left out")]
    assert notes == [
        "Left out at 140 columns: pillar scores (group summaries). --wide prints "
        "every column; --format json or --out DIR has every figure."
    ]
    assert text.index(notes[0]) > text.rindex("Group summary")
