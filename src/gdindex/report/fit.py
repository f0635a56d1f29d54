"""Fitting terminal tables to the terminal's width without cutting a number.

Rich squeezes a table that is too wide by shortening cells (`98.…`). A figure cut in
half is worse than a figure left out, so the renderers drop or fold whole columns, in
an order each table chooses (the least needed first), until the table fits, and then
say what they left out and how to see it (`--wide`, `--format json`, `--out DIR`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

#: What a step leaves out, as the note names it.
LEFT_OUT = {
    "pillar_ranks": {"zh": "分项排名", "en": "pillar ranks"},
    "other_names": {"zh": "英文名称", "en": "Chinese names"},
    "pillars": {"zh": "分项得分", "en": "pillar scores"},
    "node_ids": {"zh": "节点代码", "en": "node ids"},
}


def left_out_label(key: str, lang: str) -> str:
    """The note's name of a left-out part (a column header is its own name)."""
    names = LEFT_OUT.get(key)
    return names[lang] if names else key


def natural_width(console: Console, table: Table) -> int:
    """The width the table takes when nothing wraps or shrinks (terminal cells).

    Tables of plain cells (text without markup, as the renderers build them) are
    measured from their strings, as Rich would measure them (`Table.__rich_measure__`:
    each column's widest line plus its padding, clamped to its min/max width, plus
    the box's edges and separators) but without rendering every cell into segments;
    anything else is left to Rich.
    """
    width = _plain_width(table)
    if width is not None:
        return width
    options = console.options.update_width(100_000)
    return Measurement.get(console, options, table).maximum


def _plain_width(table: Table) -> int | None:
    if table.width is not None or table.collapse_padding:
        return None
    total = table._extra_width
    for column in table.columns:
        pad = table._get_padding_width(column._index)
        if column.width is not None:
            total += column.width + pad
            continue
        cells = list(column.cells)
        if table.show_header:
            cells.append(column.header)
        if table.show_footer:
            cells.append(column.footer)
        widest = 0
        for cell in cells:
            if isinstance(cell, Text):
                plain = cell.plain
            elif isinstance(cell, str) and "[" not in cell and ":" not in cell:
                plain = cell  # no markup or emoji code that Rich would replace
            else:
                return None
            for line in plain.splitlines():
                widest = max(widest, cell_len(line))
        if not cells:
            return None
        widest += pad
        if column.min_width is not None:
            widest = max(widest, column.min_width + pad)
        if column.max_width is not None:
            widest = min(widest, column.max_width + pad)
        total += widest
    if table.min_width is not None:
        total = max(total, table.min_width)
    return total


def fits(console: Console, table: Table) -> bool:
    return natural_width(console, table) <= console.width


def drop_columns(table: Table, headers: Sequence[str]) -> bool:
    """Remove the columns with these headers; True if any was there."""
    keep = [c for c in table.columns if str(c.header) not in headers]
    dropped = len(keep) < len(table.columns)
    table.columns[:] = keep
    for index, column in enumerate(keep):
        column._index = index  # Rich pads the first and last column by position
    return dropped


#: The width a folded text column keeps (its text wraps onto more lines).
FOLD_WIDTH = 16


def fold_text_columns(table: Table, width: int = FOLD_WIDTH) -> bool:
    """Let every column but the numbers (right-aligned) wrap at `width`; True if
    any column was narrowed."""
    folded = False
    for column in table.columns:
        if column.justify == "right":
            continue
        column.no_wrap = False
        column.overflow = "fold"
        if column.max_width is None or column.max_width > width:
            column.max_width = width
            folded = True
    return folded


#: A step that folds the text columns at this width instead of dropping columns.
Step = tuple[str, Sequence[str]] | int


def fit_table(
    console: Console,
    table: Table,
    steps: Sequence[Step],
    wide: bool = False,
) -> list[str]:
    """Make `table` fit `console`'s width, step by step until it does: a step
    `(label, headers)` drops those columns, a step `width` folds the text columns
    at that width (names wrap onto more lines). The last resort folds them tighter.
    Returns the labels of the columns dropped."""
    if wide or fits(console, table):
        return []
    taken = []
    for step in steps:
        if isinstance(step, int):
            fold_text_columns(table, step)
        elif drop_columns(table, step[1]):
            taken.append(step[0])
        if fits(console, table):
            return taken
    for width in (2 * FOLD_WIDTH, FOLD_WIDTH, FOLD_WIDTH // 2, 6):
        fold_text_columns(table, width)
        if fits(console, table):
            break
    return taken


def left_out_note(
    left: Sequence[str], width: int, lang: str, tables: str | None = None
) -> Text | None:
    """One dim line: what was left out at this width and how to see it; `tables`
    names the tables it is about when they are not the one above."""
    if not left:
        return None
    names = [left_out_label(k, lang) for k in dict.fromkeys(left)]
    if tables is not None:  # e.g. "pillar scores (group summaries)"
        form = "{}（{}）" if lang == "zh" else "{} ({})"
        names = [form.format(name, tables) for name in names]
    if lang == "zh":
        text = (
            f"终端宽 {width} 列，未显示：{'、'.join(names)}。"
            "加 --wide 显示全部列，或用 --format json / --out DIR 取得全部数据。"
        )
    else:
        text = (
            f"Left out at {width} columns: {', '.join(names)}. "
            "--wide prints every column; --format json or --out DIR has every figure."
        )
    return Text(text, style="dim")
