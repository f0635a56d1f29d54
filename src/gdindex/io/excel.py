"""Reading one sheet of an Excel workbook (.xlsx, .xlsm, .xls) into a frame.

Owns choosing the sheet, reading its header and rows through Polars and calamine
(with their sheet positions), and restoring the text of error and boolean cells.
`fastexcel` is imported only inside the functions, so importing this module stays
cheap. It never decodes CSV text or parses numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import IssueLog, plural
from gdindex.io.headers import close_match, drop_headerless, header_ok

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_CAST_FAILED = re.compile(r"conversion from .* failed in column '([^']+)'")
_RESAVE = "open it in Excel and save it as .xlsx, or export the sheet as CSV"
_RESAVE_ZH = "请用 Excel 打开并另存为 .xlsx，或把该工作表导出为 CSV"


def read_excel(
    path: Path,
    log: IssueLog,
    where: str,
    sheet: str | int | None,
    skip_rows: int,
    text_columns: Sequence[str] | None,
    decimal: str = ".",
) -> tuple[pl.DataFrame | None, str]:
    """Read one sheet through Polars (calamine); rows keep their sheet positions.

    The header row is read as text first, so that duplicate or empty headers and a
    title row are reported before Polars would rename them. The data rows are then
    read with every text column as text; the other columns are numbers when every
    cell is one, else text (numbers and text cells mixed: `parse_numbers` decides).
    Excel error cells (`#DIV/0!`, `#N/A`) and booleans come back as their text, so
    they are reported like any other cell that is not a number.
    """
    import fastexcel

    kind = path.suffix.lower().lstrip(".")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic not in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):  # zip (xlsx), OLE (xls)
        log.error(
            where,
            f"the file is not an Excel workbook although its name ends in .{kind} "
            "(it may be a CSV or an HTML table saved under an Excel name)",
            "rename it to .csv if it is text, or open it in Excel and save it as .xlsx",
            "bad-excel",
            message_zh=f"文件名以 .{kind} 结尾，但它不是 Excel 工作簿"
            "（可能是以 Excel 文件名保存的 CSV 或 HTML 表格）",
            hint_zh="若是文本文件，请改名为 .csv；否则请用 Excel 打开并另存为 .xlsx",
        )
        return None, kind
    try:
        reader = fastexcel.read_excel(path)
        sheets = list(reader.sheet_names)
    except Exception as exc:  # calamine raises several types for damaged files
        log.error(
            where,
            f"cannot read the workbook: {_first_line(exc)}",
            _RESAVE,
            "bad-excel",
            message_zh=f"无法读取工作簿：{_first_line(exc)}",
            hint_zh=_RESAVE_ZH,
        )
        return None, kind
    index = _sheet_index(sheets, sheet, where, log)
    if index is None:
        return None, kind
    name = sheets[index]
    at = f"{where}: sheet '{name}'"
    at_zh = f"{where}：工作表 '{name}'"
    try:
        top = reader.load_sheet(
            index, header_row=None, skip_rows=0, n_rows=skip_rows + 2, dtypes="string"
        )
        rows = top.to_polars()
        columns = top.available_columns()
    except Exception as exc:
        _unreadable_sheet(exc, at, at_zh, log)
        return None, kind
    if rows.height == 0 or rows.width == 0:
        log.error(
            at,
            "the sheet is empty",
            "choose the sheet holding the table with `sheet:`; the sheets are "
            + _sheet_list(sheets),
            "empty-table",
            message_zh="工作表为空",
            hint_zh="请用 `sheet:` 选择存放该表格的工作表；现有工作表为 "
            + _sheet_list(sheets),
            where_zh=at_zh,
        )
        return None, kind
    if rows.height <= skip_rows:
        log.error(
            at,
            f"nothing is left after skipping {plural(skip_rows, 'row')} (`skip_rows`)",
            "set `skip_rows:` to the number of rows above the header",
            "empty-table",
            message_zh=f"跳过 {skip_rows} 行（`skip_rows`）后已没有内容",
            hint_zh="请把 `skip_rows:` 设为表头上方的行数",
            where_zh=at_zh,
        )
        return None, kind
    # the frame starts at the first used column (absolute_index: where it is)
    first_col = getattr(columns[0], "absolute_index", 0) if columns else 0
    letters = [_column_letter(first_col + j) for j in range(rows.width)]
    names = [(v or "").strip() for v in rows.row(skip_rows)]
    below = rows.row(skip_rows + 1) if rows.height > skip_rows + 1 else ()
    found = None
    if not any(names):  # where does the table start? (for the hint)
        more = reader.load_sheet(
            index, header_row=None, skip_rows=0, n_rows=skip_rows + 100, dtypes="string"
        ).to_polars()
        filled = more.select(
            pl.any_horizontal(
                pl.all().str.strip_chars().replace("", None).is_not_null()
            )
        ).to_series()
        after = [i for i in np.flatnonzero(filled.to_numpy()) if i > skip_rows]
        found = int(after[0]) + 1 if after else None
    if not header_ok(
        names, below, letters, skip_rows, ("row", "column"), at, log, found, at_zh
    ):
        return None, kind
    # Columns without a header get a placeholder name, dropped after the read.
    placeholders = {
        f"__no_header_{letters[j]}__": letters[j] for j, n in enumerate(names) if not n
    }
    read_names = [n or f"__no_header_{letters[j]}__" for j, n in enumerate(names)]
    options: dict[str, Any] = {
        "header_row": None,
        "skip_rows": skip_rows + 1,
        "column_names": read_names,
    }
    overrides: dict[str, Any] = {}
    if text_columns is None:
        options["dtypes"] = "string"
    else:
        overrides = {c: pl.String for c in text_columns if c in names}
    frame = None
    for _ in range(len(read_names) + 1):
        try:
            frame = pl.read_excel(
                path,
                sheet_name=name,
                read_options=options,
                schema_overrides=overrides or None,
                infer_schema_length=None,
                drop_empty_rows=False,
                drop_empty_cols=False,
                raise_if_empty=False,
            )
            break
        except Exception as exc:
            # A whole-number column with a value beyond Int64 (1e19): read it as
            # floats, as the CSV reader does (then as text, for parse_numbers).
            failed = _CAST_FAILED.search(str(exc))
            column = failed.group(1) if failed else None
            if column in read_names and overrides.get(column) != pl.String:
                overrides[column] = (
                    pl.String if overrides.get(column) == pl.Float64 else pl.Float64
                )
                continue
            _unreadable_sheet(exc, at, at_zh, log)
            return None, kind
    if frame is None:  # pragma: no cover - every column was retried
        return None, kind
    if kind != "xls":
        frame = _with_typed_cells(frame, path, index, skip_rows + 2, first_col)
    if decimal == "," and text_columns is not None:
        text = _text_cells(path, index) if kind != "xls" else None
        origin = (skip_rows + 2, first_col)
        frame = _numbers_with_comma(
            frame, path, name, options, text_columns, text, origin
        )
    frame = drop_headerless(frame, placeholders, at, "column", log, at_zh)
    odd = {
        c: t for c, t in frame.schema.items() if not (t.is_numeric() or t == pl.String)
    }
    if odd:  # dates, times, booleans: text, so a cell of them is reported, not used
        frame = frame.with_columns(
            pl.col(c).dt.to_string() if t == pl.Duration else pl.col(c).cast(pl.String)
            for c, t in odd.items()
        )
    filled = frame.select(
        pl.any_horizontal(pl.all().is_not_null()).alias("filled")
    ).to_series()
    last = np.flatnonzero(filled.to_numpy())
    frame = frame.head(int(last[-1]) + 1 if len(last) else 0)  # trailing blank rows
    if frame.height == 0:
        log.error(
            at,
            "the table has a header but no rows",
            "add data rows",
            "empty-table",
            message_zh="表格只有表头，没有数据行",
            hint_zh="请添加数据行",
            where_zh=at_zh,
        )
        return None, kind
    return frame, kind


def _unreadable_sheet(exc: BaseException, at: str, at_zh: str, log: IssueLog) -> None:
    log.error(
        at,
        f"cannot read the sheet: {_first_line(exc)}",
        _RESAVE,
        "bad-excel",
        message_zh=f"无法读取工作表：{_first_line(exc)}",
        hint_zh=_RESAVE_ZH,
        where_zh=at_zh,
    )


def _sheet_list(sheets: Sequence[str]) -> str:
    return ", ".join(f"{i} '{s}'" for i, s in enumerate(sheets, start=1))


def _sheet_index(
    sheets: list[str], sheet: str | int | None, where: str, log: IssueLog
) -> int | None:
    """The 0-based index of the sheet `sheet:` names or numbers (from 1)."""
    if not sheets:
        log.error(
            where,
            "the workbook has no sheets",
            _RESAVE,
            "empty-table",
            message_zh="工作簿中没有工作表",
            hint_zh=_RESAVE_ZH,
        )
        return None
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if 1 <= sheet <= len(sheets):
            return sheet - 1
        log.error(
            f"{where}: sheet",
            f"sheet number {sheet} is out of range: the workbook has "
            f"{plural(len(sheets), 'sheet')}: {_sheet_list(sheets)}",
            f"set `sheet:` to a number from 1 to {len(sheets)}, or to a sheet's name",
            "missing-sheet",
            message_zh=f"工作表序号 {sheet} 超出范围：工作簿共有 {len(sheets)} 个"
            f"工作表：{_sheet_list(sheets)}",
            hint_zh=f"请把 `sheet:` 设为 1 到 {len(sheets)} 之间的数，或工作表名称",
            where_zh=f"{where}：工作表",
        )
        return None
    if sheet in sheets:
        return sheets.index(sheet)
    loose = [s for s in sheets if s.strip().casefold() == sheet.strip().casefold()]
    close = loose[0] if loose else close_match(sheet, sheets)
    log.error(
        f"{where}: sheet",
        f"no sheet named '{sheet}'; the sheets are {_sheet_list(sheets)}",
        f"did you mean '{close}'?"
        if close
        else "set `sheet:` to one of these names, or to a number counting from 1",
        "missing-sheet",
        message_zh=f"没有名为 '{sheet}' 的工作表；现有工作表为 {_sheet_list(sheets)}",
        hint_zh=f"是否想写 '{close}'？"
        if close
        else "请把 `sheet:` 设为上述名称之一，或从 1 起数的序号",
        where_zh=f"{where}：工作表",
    )
    return None


def _column_letter(index: int) -> str:
    """Excel's letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _with_typed_cells(
    frame: pl.DataFrame, path: Path, index: int, first: int, first_col: int
) -> pl.DataFrame:
    """Put the text of error and boolean cells back into the frame.

    Calamine reads an error cell (`#DIV/0!`) as empty, which would pass for a missing
    value, and a boolean in a column of numbers as 1 or 0. Their text (`#DIV/0!`,
    `TRUE`) makes them cells that are not numbers, reported with their row.
    """
    cells = _typed_cells(path, index)
    if not cells:
        return frame
    by_column: dict[str, list[tuple[int, str]]] = {}
    for row, col, text in cells:
        j, i = col - first_col, row - first
        if 0 <= j < frame.width and 0 <= i < frame.height:
            by_column.setdefault(frame.columns[j], []).append((i, text))
    updates = []
    for name, found in by_column.items():
        values = frame[name].cast(pl.String).to_list()
        for i, text in found:
            values[i] = text
        updates.append(pl.Series(name, values, dtype=pl.String))
    return frame.with_columns(updates) if updates else frame


def _numbers_with_comma(
    frame: pl.DataFrame,
    path: Path,
    sheet: str,
    options: dict[str, Any],
    text_columns: Sequence[str],
    text_cells: set[tuple[int, int]] | None = None,
    first: tuple[int, int] = (2, 0),
) -> pl.DataFrame:
    """With `decimal: ","`: write the number cells of the columns that also hold
    text with a decimal comma, so `parse_numbers` keeps their value (calamine
    renders the number 1.234 as "1.234", which decimal-comma rules read as 1234).

    A number cell is one the sheet re-read as numbers gives, whose text reads as
    a plain number (an error or boolean cell restored as `#N/A`, `TRUE` does not)
    and that the sheet's XML does not store as text (`text_cells`, .xlsx: a text
    cell "1.234" keeps decimal-comma rules; .xls cannot tell).
    """
    mixed = [
        c
        for c, t in frame.schema.items()
        if t == pl.String and c not in text_columns and not c.startswith("__no_header_")
    ]
    if not mixed:
        return frame
    try:
        numbers = pl.read_excel(
            path,
            sheet_name=sheet,
            read_options=options,
            schema_overrides={c: pl.Float64 for c in mixed},
            infer_schema_length=None,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception:  # the text read stands; parse_numbers reports what it can't
        return frame
    updates = []
    row0, col0 = first
    for c in mixed:
        j = frame.columns.index(c) + col0
        text = frame[c].to_list()
        read = frame[c].cast(pl.Float64, strict=False).to_list()
        for i, value in enumerate(numbers[c].to_list()[: len(text)]):
            if text_cells is not None and (i + row0, j) in text_cells:
                continue
            if value is not None and read[i] is not None:
                text[i] = repr(float(value)).replace(".", ",")
        updates.append(pl.Series(c, text, dtype=pl.String))
    return frame.with_columns(updates)


def _sheet_xml(path: Path, index: int) -> bytes | None:
    """The XML of one .xlsx sheet (None when the workbook's layout is odd)."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(path) as zf:
            book = ET.fromstring(zf.read("xl/workbook.xml"))
            sheets = [e for e in book.iter() if e.tag.endswith("}sheet")]
            rid = sheets[index].get(rel_ns)
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            target = next(
                e.get("Target", "") for e in rels.iter() if e.get("Id") == rid
            )
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            return zf.read(member)
    except (KeyError, IndexError, StopIteration, ET.ParseError, zipfile.BadZipFile):
        return None  # calamine read the file; an odd layout only loses a check


def _text_cells(path: Path, index: int) -> set[tuple[int, int]] | None:
    """(1-based row, 0-based column) of the text cells (shared or inline strings,
    formula text) of one .xlsx sheet; None when the sheet cannot be parsed."""
    import xml.etree.ElementTree as ET

    xml = _sheet_xml(path, index)
    if xml is None:
        return None
    out = set()
    try:
        for _, elem in ET.iterparse(io.BytesIO(xml)):
            if elem.tag.endswith("}c"):
                if elem.get("t") in ("s", "str", "inlineStr"):
                    out.add(_cell_position(elem.get("r", "")))
                elem.clear()
    except ET.ParseError:
        return None
    return out


def _typed_cells(path: Path, index: int) -> list[tuple[int, int, str]]:
    """(1-based row, 0-based column, text) of the error and boolean cells of one
    .xlsx sheet."""
    import xml.etree.ElementTree as ET

    xml = _sheet_xml(path, index)
    if xml is None:
        return []
    if not any(f"t={q}{t}{q}".encode() in xml for t in "eb" for q in "\"'"):
        return []  # the common case: nothing to parse
    out = []
    try:
        for _, elem in ET.iterparse(io.BytesIO(xml)):
            if not elem.tag.endswith("}c"):
                continue
            kind = elem.get("t")
            if kind in ("e", "b"):
                value = next((v.text for v in elem if v.tag.endswith("}v")), None)
                row, col = _cell_position(elem.get("r", ""))
                if row and value:
                    if kind == "b":
                        value = "TRUE" if value.strip() == "1" else "FALSE"
                    out.append((row, col, value))
            elem.clear()
    except ET.ParseError:
        return []
    return out


def _cell_position(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - ord("A") + 1
    return (int(digits) if digits else 0), col - 1
