"""The Excel report (`report.xlsx`): scores, stages, weights, groups and manifest.

One sheet per table, each with a single bilingual header row (`排名 Rank`; the
language of `lang` first), frozen header row and identifier columns, an autofilter,
number formats and column widths fitted to the content (CJK characters count
double). Numbers are written as numbers, missing values as empty cells. The file
is written atomically and is byte-identical for identical inputs: the workbook's
creation date is fixed and xlsxwriter stamps every part of the zip with 1980-01-01.

Nothing here computes: it only lays out what `gdindex.compute` returned.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter  # type: ignore[import-untyped]
from rich.cells import cell_len
from xlsxwriter.exceptions import XlsxWriterException  # type: ignore[import-untyped]

from gdindex.errors import Bilingual, Issue, OutputError
from gdindex.io import output_error, write_atomic
from gdindex.pipeline import STAGES, IndexResult, NodeInfo
from gdindex.pipeline.outputs import manifest
from gdindex.version import __version__

LANGS = ("zh", "en")

# The creation date recorded in docProps/core.xml: fixed, so that re-running gives
# the same bytes (the zip entries carry xlsxwriter's fixed 1980-01-01 too).
CREATED = datetime(2000, 1, 1)

SHEETS = {
    "scores": ("指数", "Scores"),
    "raw": ("原始数据", "Raw"),
    "denominated": ("分母折算", "Denominated"),
    "imputed": ("缺失插补", "Imputed"),
    "screened": ("样本筛选", "Screened"),
    "treated": ("异常值处理", "Treated"),
    "normalised": ("标准化", "Normalised"),
    "weights": ("权重", "Weights"),
    "groups": ("分组", "Groups"),
    "manifest": ("运行清单", "Manifest"),
}

HEADERS = {
    "unit": ("代码", "Unit"),
    "name_zh": ("中文名称", "Name (zh)"),
    "name_en": ("英文名称", "Name (en)"),
    "period": ("时期", "Period"),
    "score": ("得分", "Score"),
    "rank": ("排名", "Rank"),
    "growth_pct": ("增速%", "Growth %"),
    "rank_change": ("排名变动", "Rank change"),
    "node": ("节点", "Node"),
    "node_name": ("节点名称", "Node name"),
    "parent": ("上级节点", "Parent"),
    "kind": ("类型", "Kind"),
    "depth": ("层级", "Depth"),
    "nominal": ("名义权重", "Nominal weight"),
    "weight": ("派生权重", "Derived weight"),
    "effective_weight": ("有效权重", "Effective weight"),
    "method": ("赋权方法", "Method"),
    "group_by": ("分组方式", "Grouping"),
    "group": ("分组", "Group"),
    "n_units": ("单位数", "Units"),
    "key": ("项目", "Key"),
    "value": ("内容", "Value"),
}

# Number formats by column kind; "text" columns are written as strings.
FORMATS = {
    "score": "0.00",
    "rank": "0",
    "growth": "0.00",
    "rank_change": "+0;-0;0",
    "weight": "0.0000",
    "int": "0",
    "value": "General",
}

MAX_WIDTH = 60  # column width cap (characters)
HEADER_WIDTH = 20  # headers longer than this wrap instead of widening the column
MAX_HEADER_LINES = 6
EXCEL_MAX_STRING = 32767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


def bilingual(zh: str | None, en: str | None, lang: str = "zh") -> str:
    """`zh en` (`en zh` when lang is `en`); one of them when the other is missing or
    both are the same."""
    first, second = (zh or "", en or "") if lang == "zh" else (en or "", zh or "")
    if not first or first == second:
        return second or first
    if not second:
        return first
    return f"{first} {second}"


def header(key: str, lang: str = "zh") -> str:
    """The bilingual header of a fixed column (`排名 Rank`)."""
    zh, en = HEADERS[key]
    return bilingual(zh, en, lang)


def sheet_name(key: str, lang: str = "zh") -> str:
    """The bilingual name of a sheet (`指数 Scores`); at most 31 characters."""
    zh, en = SHEETS[key]
    return bilingual(zh, en, lang)


def node_header(node: NodeInfo, measure: str, lang: str = "zh") -> str:
    """The header of a node's column (`数字经济指数 Digital Economy Index · 得分 Score`:
    its names, then the measure)."""
    return f"{bilingual(node.name_zh, node.name_en, lang)} · {header(measure, lang)}"


# --------------------------------------------------------------------------- layout


@dataclass
class Column:
    """One column of a sheet: its header, values and kind (a key of FORMATS, or
    `text`)."""

    header: str
    values: Sequence[Any]
    kind: str = "text"


@dataclass
class Sheet:
    """A sheet: its columns; the first `frozen` columns stay in view."""

    key: str
    columns: list[Column]
    frozen: int = 0

    @property
    def height(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


def _unique(columns: list[Column], ids: Sequence[str | None]) -> list[Column]:
    """Make headers unique: a repeated header gets its column's id appended."""
    seen: dict[str, int] = {}
    for col in columns:
        seen[col.header] = seen.get(col.header, 0) + 1
    for col, ident in zip(columns, ids, strict=True):
        if seen[col.header] > 1 and ident is not None:
            col.header = f"{col.header} [{ident}]"
    return columns


def _group_specs(result: IndexResult) -> dict[str, Any]:
    units = result.spec.units
    return {g.column: g for g in units.groups} if units is not None else {}


def _key_columns(
    result: IndexResult, keys: pl.DataFrame, lang: str, groups: bool
) -> list[Column]:
    """unit, name_zh, name_en, period (and group labels) of the rows in `keys`."""
    table = keys.join(result.units, on="unit", how="left", maintain_order="left")
    columns = [Column(header("unit", lang), table["unit"].to_list())]
    for name in ("name_zh", "name_en"):
        if name in table.columns:
            columns.append(Column(header(name, lang), table[name].to_list()))
    period_kind = "int" if table["period"].dtype.is_integer() else "text"
    columns.append(
        Column(header("period", lang), table["period"].to_list(), period_kind)
    )
    if groups:
        specs = _group_specs(result)
        for col in table.columns:
            if not col.startswith("group:"):
                continue
            g = specs.get(col.removeprefix("group:"))
            if g is None:
                title = col.removeprefix("group:")
                labels = table[col].to_list()
            else:
                name = g.name
                title = (
                    bilingual(name.zh, name.en, lang) if name is not None else g.column
                )
                labels = [None if v is None else g.label(v, lang) for v in table[col]]
            columns.append(Column(title, labels))
    return columns


def _keys(result: IndexResult) -> pl.DataFrame:
    """`unit, period`: every unit (in unit order) × every period (in time order)."""
    return result.stages["aggregated"].select("unit", "period")


def _node_order(result: IndexResult) -> list[NodeInfo]:
    """The index, then the aggregates, then the indicators (each in pre-order)."""
    rank = {"index": 0, "aggregate": 1, "indicator": 2}
    return sorted(result.nodes, key=lambda n: rank.get(n.kind, 1))


def scores_sheet(
    result: IndexResult, lang: str = "zh", indicators: bool = True, period: Any = None
) -> Sheet:
    """One row per unit × period; per node its score and rank, and for the index
    and pillars their growth and rank change too (indicator columns only when
    `indicators`; only the rows of `period`, when given)."""
    keys = _keys(result)
    if period is not None:
        keys = keys.filter(pl.col("period") == period)
    columns = _key_columns(result, keys, lang, groups=True)
    frozen = 2 + sum(1 for key in ("name_zh", "name_en") if key in result.units.columns)
    ids: list[str | None] = [None] * len(columns)
    by_node = result.scores.partition_by("node", as_dict=True, include_key=False)
    for node in _node_order(result):
        if node.kind == "indicator" and not indicators:
            continue
        part = by_node.get((node.id,))
        rows = keys.join(
            part if part is not None else result.scores.clear().drop("node"),
            on=["unit", "period"],
            how="left",
            maintain_order="left",
        )
        measures = [("score", "score"), ("rank", "rank")]
        if node.kind != "indicator" and node.depth <= 1:
            measures += [("growth_pct", "growth"), ("rank_change", "rank_change")]
        for measure, kind in measures:
            columns.append(
                Column(node_header(node, measure, lang), rows[measure].to_list(), kind)
            )
            ids.append(node.id)
    return Sheet("scores", _unique(columns, ids), frozen)


def stage_sheet(
    result: IndexResult, stage: str, lang: str = "zh", period: Any = None
) -> Sheet:
    """The wide frame of one preparation stage: unit, names, period, indicators
    (only the rows of `period`, when given)."""
    frame = result.stages[stage]
    if period is not None:
        frame = frame.filter(pl.col("period") == period)
    columns = _key_columns(result, frame.select("unit", "period"), lang, groups=False)
    frozen = len(columns)
    ids: list[str | None] = [None] * len(columns)
    for ind in result.spec.indicators:
        columns.append(
            Column(
                bilingual(ind.name.zh, ind.name.en, lang),
                frame[ind.id].to_list(),
                "score" if stage == "normalised" else "value",
            )
        )
        ids.append(ind.id)
    return Sheet(stage, _unique(columns, ids), frozen)


def weights_sheet(result: IndexResult, lang: str = "zh") -> Sheet:
    """Every node: parent, names, nominal, derived and effective weight, method."""
    info = {n.id: n for n in result.nodes}
    rows: list[dict[str, Any]]
    if result.weighting is not None:
        rows = [
            {
                "node": r.node,
                "parent": r.parent,
                "nominal": float(r.nominal),
                "weight": float(r.weight),
                "effective_weight": float(r.effective_weight),
                "method": r.method,
            }
            for r in result.weighting.rows
        ]
    else:
        rows = [dict(r, nominal=None) for r in result.weights.to_dicts()]
    nodes = [info.get(r["node"]) for r in rows]

    def attr(name: str) -> list[Any]:
        return [getattr(n, name) if n is not None else None for n in nodes]

    columns = [
        Column(header("node", lang), [r["node"] for r in rows]),
        Column(header("parent", lang), [r["parent"] for r in rows]),
        Column(header("name_zh", lang), attr("name_zh")),
        Column(header("name_en", lang), attr("name_en")),
        Column(header("kind", lang), attr("kind")),
        Column(header("depth", lang), attr("depth"), "int"),
        Column(header("nominal", lang), [r["nominal"] for r in rows], "weight"),
        Column(header("weight", lang), [r["weight"] for r in rows], "weight"),
        Column(
            header("effective_weight", lang),
            [r["effective_weight"] for r in rows],
            "weight",
        ),
        Column(header("method", lang), [r["method"] for r in rows]),
    ]
    return Sheet("weights", columns, frozen=1)


def groups_sheet(result: IndexResult, lang: str = "zh") -> Sheet:
    """`group_by, group, period, node, score, growth_pct, n_units` with the grouping
    and group labels and node names in `lang`."""
    frame = result.groups
    specs = _group_specs(result)
    names = {
        n.id: (n.name_zh if lang == "zh" else n.name_en) or n.id for n in result.nodes
    }

    def grouping(col: str) -> str:
        g = specs.get(col)
        return g.title(lang) if g is not None else col

    def label(col: str, value: str | None) -> str | None:
        g = specs.get(col)
        return g.label(value, lang) if g is not None and value is not None else value

    by, group = frame["group_by"].to_list(), frame["group"].to_list()
    period_kind = "int" if frame["period"].dtype.is_integer() else "text"
    columns = [
        Column(header("group_by", lang), [grouping(c) for c in by]),
        Column(
            header("group", lang),
            [label(c, v) for c, v in zip(by, group, strict=True)],
        ),
        Column(header("period", lang), frame["period"].to_list(), period_kind),
        Column(header("node", lang), frame["node"].to_list()),
        Column(header("node_name", lang), [names.get(n, n) for n in frame["node"]]),
        Column(header("score", lang), frame["score"].to_list(), "score"),
        Column(header("growth_pct", lang), frame["growth_pct"].to_list(), "growth"),
        Column(header("n_units", lang), frame["n_units"].to_list(), "int"),
    ]
    return Sheet("groups", columns, frozen=2)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Key/value rows of nested data: dicts by `a.b`, lists of dicts or lists by
    `a[0]`; lists of plain values (and empty containers) as JSON text."""
    if isinstance(value, dict) and value:
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        out = []
        for i, item in enumerate(value):
            out += flatten(item, f"{prefix}[{i}]")
        return out
    if isinstance(value, (dict, list)):
        return [(prefix, json.dumps(value, ensure_ascii=False))]
    return [(prefix, value)]


def unchanged_stages(result: IndexResult) -> list[str]:
    """The preparation stages identical to the stage before them (no step changed a
    cell), which the workbook leaves out."""
    same = []
    for before, stage in zip(STAGES, STAGES[1:], strict=False):
        if stage == "normalised" or stage not in result.stages:
            continue
        if result.stages[stage].equals(result.stages[before]):
            same.append(stage)
    return same


def manifest_sheet(
    result: IndexResult, rows: dict[str, int], lang: str = "zh"
) -> Sheet:
    """`export.manifest` as key/value rows (row counts: of this workbook's sheets),
    and which stage sheets were left out because nothing changed in them."""
    frames = {key: pl.DataFrame({"n": range(n)}) for key, n in rows.items()}
    pairs = flatten(manifest(result, frames, fmt="xlsx"))
    same = unchanged_stages(result)
    if same:
        note = (
            f"{', '.join(same)}：与上一步相同（没有单元格被改动），未单列工作表"
            if lang == "zh"
            else f"{', '.join(same)}: the same as the step before (no cell changed), "
            "so they have no sheet"
        )
        pairs.append(("stages_left_out", note))
    columns = [
        Column(header("key", lang), [k for k, _ in pairs]),
        Column(header("value", lang), [v for _, v in pairs], "value"),
    ]
    return Sheet("manifest", columns, frozen=1)


#: Above this many units the workbook is the summary of a large panel (a county
#: index): every unit's profile in the report period (the scores sheet: index and
#: aggregates with ranks and growth; the normalised sheet: its indicator scores).
#: Every period and stage is in `compute --out`'s scores.csv and indicators.csv;
#: a 3,000 × 10 × 60 panel in full would be 15 million cells.
LARGE_WORKBOOK = 60


def sheets(result: IndexResult, lang: str = "zh", period: Any = None) -> list[Sheet]:
    """Every sheet of the workbook, in order (the manifest last)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    large = result.units.height > LARGE_WORKBOOK
    at = (result.latest_period if period is None else period) if large else None
    out = [scores_sheet(result, lang, indicators=not large, period=at)]
    out += [groups_sheet(result, lang), weights_sheet(result, lang)]
    if large:
        out.append(stage_sheet(result, "normalised", lang, at))
    else:
        same = set(unchanged_stages(result))
        out += [stage_sheet(result, st, lang) for st in STAGES if st not in same]
    out.append(manifest_sheet(result, {s.key: s.height for s in out}, lang))
    return out


# --------------------------------------------------------------------------- writing


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, ±inf, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _shown(value: Any, kind: str) -> str:
    """Roughly how a cell shows in Excel (for the column width)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    number = _number(value)
    if number is None:
        text = str(value)
        return text[:200]
    if kind in ("score", "growth"):
        return f"{number:.2f}"
    if kind == "weight":
        return f"{number:.4f}"
    if kind in ("rank", "int"):
        return f"{number:.0f}"
    if kind == "rank_change":
        return f"{number:+.0f}"
    return f"{number:.10g}"[:11]


def wrap_lines(text: str, width: int) -> int:
    """Lines `text` takes when wrapped at `width` cells (words, CJK characters)."""
    lines, line = 1, 0
    for word in text.split(" "):
        w = cell_len(word)
        if line and line + 1 + w <= width:
            line += 1 + w
            continue
        if line:
            lines += 1
        while w > width:  # a long word (or CJK run) breaks anywhere
            w -= width
            lines += 1
        line = w
    return lines


def column_width(col: Column) -> int:
    """The width of a column in characters: its widest cell as shown (CJK characters
    count double), or its header up to HEADER_WIDTH (longer headers wrap)."""
    values = col.values
    if len(values) > 2000:  # a long column: its numbers' extremes and a sample
        numbers = [v for v in values if _number(v) is not None]
        values = [*values[:2000], *([min(numbers), max(numbers)] if numbers else [])]
    content = max((cell_len(_shown(v, col.kind)) for v in values), default=0)
    wanted = max(content, min(cell_len(col.header), HEADER_WIDTH))
    return max(4, min(wanted + 2, MAX_WIDTH))


class _Writer:
    def __init__(self, book: Any):
        self.book = book
        self.header = book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "bg_color": "#DDEBF7",
                "bottom": 1,
            }
        )
        self.formats = {
            kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()
        }

    def write(self, sheet: Sheet, lang: str) -> None:
        ws = self.book.add_worksheet(sheet_name(sheet.key, lang))
        n_rows = sheet.height
        header_lines = 1
        for c, col in enumerate(sheet.columns):
            width = column_width(col)
            ws.set_column(c, c, width)
            header_lines = max(header_lines, wrap_lines(col.header, width - 1))
        ws.set_row(0, 15 * min(header_lines, MAX_HEADER_LINES))
        for c, col in enumerate(sheet.columns):
            ws.write_string(0, c, col.header, self.header)
        ws.freeze_panes(1, sheet.frozen)
        if sheet.columns:
            ws.autofilter(0, 0, max(n_rows, 1), len(sheet.columns) - 1)
            # identifiers such as "440100" are text on purpose
            ws.ignore_errors({"number_stored_as_text": f"A1:XFD{n_rows + 1}"})
        # Row by row: the workbook is written in constant-memory mode, which
        # flushes each row once the next one starts.
        cells = [
            (c, self.formats.get(col.kind), col.values)
            for c, col in enumerate(sheet.columns)
        ]
        for r in range(n_rows):
            for c, fmt, values in cells:
                self._cell(ws, r + 1, c, values[r], fmt)

    @staticmethod
    def _cell(ws: Any, r: int, c: int, value: Any, fmt: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)):
            number = _number(value)
            if number is not None:  # NaN and ±inf stay empty
                ws.write_number(r, c, number, fmt)
        else:
            text = str(value)
            if len(text) > EXCEL_MAX_STRING:
                text = text[: EXCEL_MAX_STRING - 1] + "…"
            ws.write_string(r, c, text)


def _write_book(
    target: Path, result: IndexResult, layout: Iterable[Sheet], lang: str
) -> None:
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    book.set_properties(
        {
            "title": result.spec.name.get(lang),
            "subject": result.spec.id,
            "author": "gdindex",
            "comments": f"gdindex {__version__}",
            "created": CREATED,
        }
    )
    writer = _Writer(book)
    for sheet in layout:
        writer.write(sheet, lang)
    book.close()


def write_workbook(
    result: IndexResult, path: Path, lang: str = "zh", period: Any = None
) -> Path:
    """Write the Excel report of `result` to `path` (e.g. `out/report.xlsx`).

    Sheets: scores (wide: one row per unit × period), groups, weights, one per
    preparation stage (raw … normalised) and the manifest. Headers are bilingual,
    `lang` first; labels needing one language (group and node names on the groups
    sheet, group labels, the workbook title) are in `lang`.

    The file is written atomically (a temporary file beside it, then renamed), and
    is byte-identical for identical results.

    Raises:
        ValueError: `lang` is not `zh` or `en`.
        OutputError: the file cannot be written.
    """
    path = Path(path)
    layout = sheets(result, lang, period)
    too_big = [
        Issue(
            sheet_name(s.key, lang),
            f"{s.height + 1} rows × {len(s.columns)} columns do not fit in a sheet "
            f"(Excel's limit: {EXCEL_MAX_ROWS} × {EXCEL_MAX_COLUMNS})",
            "use the CSV or Parquet outputs (--format) for tables this large",
            message_zh=f"{s.height + 1} 行 × {len(s.columns)} 列超出了工作表的容量"
            f"（Excel 上限：{EXCEL_MAX_ROWS} × {EXCEL_MAX_COLUMNS}）",
            hint_zh="这么大的表请使用 CSV 或 Parquet 输出（--format）",
        )
        for s in layout
        if s.height + 1 > EXCEL_MAX_ROWS or len(s.columns) > EXCEL_MAX_COLUMNS
    ]
    if too_big:
        raise OutputError(
            f"the result is too large for {path.name}",
            too_big,
            message_zh=f"结果过大，无法写入 {path.name}",
        )

    def write(target: Path) -> None:
        _write_book(target, result, layout, lang)

    what = Bilingual(f"the workbook {path}", f"工作簿（{path}）")
    try:
        return write_atomic(path.parent, {path.name: write}, what)[0]
    except XlsxWriterException as exc:
        raise output_error(what, path, exc) from exc
