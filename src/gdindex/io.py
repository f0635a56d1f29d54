"""Reading inputs and writing outputs.

Reads the units table and the data tables (CSV in UTF-8, UTF-8 with BOM or
GB18030/GBK; Parquet; wide or long form), parses numeric text that is unambiguous
(`1,234.5`, `74.6%`, full-width digits) and reports every cell it cannot read.
Writes result files atomically. It never computes scores.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import (
    MAX_EXAMPLES,
    DataError,
    Issue,
    IssueLog,
    OutputError,
    examples,
)
from gdindex.spec import DataTable, IndexSpec, Period, UnitsSpec

_BOM = b"\xef\xbb\xbf"
_FULL_WIDTH = [chr(0xFF10 + i) for i in range(10)] + [
    "．",
    "，",
    "－",
    "＋",
    "％",
    "　",
]
_HALF_WIDTH = [str(i) for i in range(10)] + [".", ",", "-", "+", "%", " "]
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"


@dataclass(frozen=True)
class InputFile:
    """A file that was read: for the manifest."""

    role: str
    path: Path
    sha256: str
    encoding: str
    rows: int


@dataclass
class Dataset:
    """The data of one spec, aligned to arrays.

    `values[u, p, i]` holds the raw value of indicator `i` for unit `u` in period
    `p` (NaN when missing); axes follow `units`, `periods` and `indicators`.
    """

    units: list[str]
    periods: list[Period]
    indicators: list[str]
    values: np.ndarray
    unit_table: pl.DataFrame
    inputs: list[InputFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    denominators: dict[str, np.ndarray] = field(default_factory=dict)
    """`[unit, period]` values of every `denominator:` column, by name."""

    @property
    def period_dtype(self) -> pl.DataType:
        return (
            pl.Int64() if all(isinstance(p, int) for p in self.periods) else pl.String()
        )


# --- Low-level reading --- #


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode(raw: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; `auto` tries UTF-8 (with or without BOM), then GB18030.

    GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
    """
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    if encoding == "auto":
        try:
            return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
        except UnicodeDecodeError:
            # Some tools put a UTF-8 BOM in front of GBK text: the body decides.
            return body.decode("gb18030"), "gb18030"
    if encoding in ("utf-8", "utf-8-sig"):
        return body.decode("utf-8"), encoding
    return body.decode(encoding), encoding


def read_table(
    path: Path,
    log: IssueLog,
    *,
    encoding: str = "auto",
    separator: str = ",",
    text_columns: Sequence[str] | None = None,
    label: str | None = None,
    sheet: str | int | None = None,
    skip_rows: int = 0,
) -> tuple[pl.DataFrame | None, str]:
    """Read a CSV, Excel (.xlsx, .xlsm, .xls) or Parquet file.

    `text_columns` are always read as text (ids keep leading zeros, and a code an
    Excel cell stores as the number 440100 reads "440100"); the other columns are
    typed by Polars when every cell is a number, else read as text for
    `parse_numbers`. With `text_columns=None` every column is text.

    Args:
        sheet: Excel: the sheet's name, or its number counting from 1 (default: the
            first sheet).
        skip_rows: lines (CSV) or rows (Excel) above the header to skip, e.g. a title.

    Returns the frame (None when it cannot be read; the reason is logged) and the
    encoding used (`xlsx`, `xls`, … for workbooks; `binary` for Parquet). `label`
    names the file in messages (default: its path); `first_row(encoding, skip_rows)`
    is the row number of the frame's first row.
    """
    where = label or str(path)
    if not path.exists():
        log.error(
            where,
            "file not found",
            "check the path (relative to the spec)",
            "missing-file",
        )
        return None, ""
    suffix = path.suffix.lower()
    if suffix in _EXCEL:
        return _read_excel(path, log, where, sheet, skip_rows, text_columns)
    if sheet is not None:
        log.warn(
            where,
            f"`sheet: {sheet}` is ignored: the file is not an Excel workbook",
            "drop `sheet:`",
            "ignored-key",
        )
    if suffix in {".parquet", ".pq"}:
        if skip_rows:
            log.warn(
                where,
                f"`skip_rows: {skip_rows}` is ignored for Parquet files",
                "drop `skip_rows:`",
                "ignored-key",
            )
        return _read_parquet(path, log, where)
    raw = path.read_bytes()
    try:
        text, used = decode(raw, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        log.error(
            where,
            f"cannot decode the file as {encoding}: {exc}",
            "set `encoding:` to utf-8 or gb18030, or re-save the file",
            "encoding",
        )
        return None, ""
    if skip_rows:
        text = _skip_lines(text, skip_rows)
        if not text or text.isspace():
            log.error(
                where,
                f"nothing is left after skipping {skip_rows} line(s) (`skip_rows`)",
                "set `skip_rows:` to the number of lines above the header",
                "empty-table",
            )
            return None, used
    if not text or text.isspace():
        log.error(
            where, "the file is empty", "add a header row and data", "empty-table"
        )
        return None, used
    end = text.find("\n")
    first_line = text if end < 0 else text[: end + 1]
    header = next(csv.reader(io.StringIO(first_line), delimiter=separator), [])
    names = [h.strip() for h in header]
    second = text[end + 1 :].split("\n", 1)[0] if end >= 0 else ""
    below = next(csv.reader([second], delimiter=separator), [])
    fields = [str(j) for j in range(1, len(names) + 1)]
    found = None
    if not any(names):  # where does the table start? (for the hint)
        rest = text.split("\n", 100)[1:100]
        found = next(
            (
                skip_rows + k + 2
                for k, line in enumerate(rest)
                if line.strip(" \r\t" + separator)
            ),
            None,
        )
    if not _header_ok(
        names, below, fields, skip_rows, ("line", "field"), where, log, found
    ):
        return None, used
    # Fields without a header get a placeholder name, dropped after the read.
    placeholders = {
        f"__no_header_{j + 1}__": str(j + 1) for j, n in enumerate(names) if not n
    }
    names = [n or f"__no_header_{j + 1}__" for j, n in enumerate(names)]
    ragged = _ragged_rows(text, separator, len(names))
    if ragged:
        lines = [f"line {n + skip_rows} has {k} fields" for n, k in ragged]
        log.error(
            where,
            f"{len(ragged)} row(s) do not have the header's {len(names)} fields: "
            + examples(lines),
            "check separators and quotes in those rows (a missing value is an "
            "empty field between two separators)",
            "ragged-rows",
        )
        return None, used
    body = raw if used == "utf-8" and not skip_rows else text.encode("utf-8")
    frame = None
    if text_columns is not None:
        overrides = {c: pl.String for c in text_columns if c in names}
        try:  # fast path: Polars types the numeric columns itself
            frame = pl.read_csv(
                body,
                separator=separator,
                new_columns=names,
                schema_overrides=overrides,
                infer_schema_length=10000,
            )
        except Exception:  # a text cell further down: read everything as text
            frame = None
    if frame is None:
        try:
            frame = pl.read_csv(
                body, infer_schema=False, separator=separator, new_columns=names
            )
        except Exception as exc:  # polars' CSV errors carry the row
            log.error(
                where,
                f"cannot parse CSV: {exc}",
                "check separators and quoting",
                "bad-csv",
            )
            return None, used
    frame = _drop_headerless(frame, placeholders, where, "field", log)
    if frame.height == 0:
        log.error(
            where, "the table has a header but no rows", "add data rows", "empty-table"
        )
        return None, used
    return frame, used


def _ragged_rows(text: str, separator: str, width: int) -> list[tuple[int, int]]:
    """(line, field count) of the data rows whose field count differs from `width`."""
    if '"' not in text:  # no quoting: counting separators is exact (and fast)
        rows = (
            (n, line.count(separator) + 1)
            for n, line in enumerate(text.split("\n"), start=1)
            if line.strip("\r")
        )
    else:
        reader = csv.reader(io.StringIO(text), delimiter=separator)
        rows = ((reader.line_num, len(row)) for row in reader if row)
    return [(n, k) for n, k in rows if n > 1 and k != width]


def _read_parquet(
    path: Path, log: IssueLog, where: str
) -> tuple[pl.DataFrame | None, str]:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for bad files
        log.error(where, f"cannot read Parquet: {exc}", "check the file")
        return None, ""
    if frame.height == 0:
        log.error(where, "the table is empty", "add rows", "empty-table")
        return None, "binary"
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if nested:
        log.error(
            where,
            f"nested (list/struct) columns: {examples(nested)}",
            "store one plain value per cell",
            "bad-column-type",
        )
        return None, "binary"
    return frame, "binary"


def first_row(encoding: str, skip_rows: int = 0) -> int:
    """The row number, as a user sees it, of a table's first data row.

    A CSV line or an Excel row counts the header and the skipped rows above it
    (`skip_rows`); a Parquet record counts from 1.
    """
    return 1 if encoding == "binary" else 2 + skip_rows


def _skip_lines(text: str, count: int) -> str:
    pos = 0
    for _ in range(count):
        end = text.find("\n", pos)
        if end < 0:
            return ""
        pos = end + 1
    return text[pos:]


# --- Excel workbooks --- #

_EXCEL = {".xlsx", ".xlsm", ".xls"}
_RESAVE = "open it in Excel and save it as .xlsx, or export the sheet as CSV"


def _read_excel(
    path: Path,
    log: IssueLog,
    where: str,
    sheet: str | int | None,
    skip_rows: int,
    text_columns: Sequence[str] | None,
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
        )
        return None, kind
    index = _sheet_index(sheets, sheet, where, log)
    if index is None:
        return None, kind
    name = sheets[index]
    at = f"{where}: sheet '{name}'"
    try:
        top = reader.load_sheet(
            index, header_row=None, skip_rows=0, n_rows=skip_rows + 2, dtypes="string"
        )
        rows = top.to_polars()
        columns = top.available_columns()
    except Exception as exc:
        log.error(
            at, f"cannot read the sheet: {_first_line(exc)}", _RESAVE, "bad-excel"
        )
        return None, kind
    if rows.height == 0 or rows.width == 0:
        log.error(
            at,
            "the sheet is empty",
            "choose the sheet holding the table with `sheet:`; the sheets are "
            + _sheet_list(sheets),
            "empty-table",
        )
        return None, kind
    if rows.height <= skip_rows:
        log.error(
            at,
            f"nothing is left after skipping {skip_rows} row(s) (`skip_rows`)",
            "set `skip_rows:` to the number of rows above the header",
            "empty-table",
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
    if not _header_ok(
        names, below, letters, skip_rows, ("row", "column"), at, log, found
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
    except Exception as exc:
        log.error(
            at, f"cannot read the sheet: {_first_line(exc)}", _RESAVE, "bad-excel"
        )
        return None, kind
    if kind != "xls":
        frame = _with_typed_cells(frame, path, index, skip_rows + 2, first_col)
    frame = _drop_headerless(frame, placeholders, at, "column", log)
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
            at, "the table has a header but no rows", "add data rows", "empty-table"
        )
        return None, kind
    return frame, kind


def _sheet_list(sheets: Sequence[str]) -> str:
    return ", ".join(f"{i} '{s}'" for i, s in enumerate(sheets, start=1))


def _sheet_index(
    sheets: list[str], sheet: str | int | None, where: str, log: IssueLog
) -> int | None:
    """The 0-based index of the sheet `sheet:` names or numbers (from 1)."""
    if not sheets:
        log.error(where, "the workbook has no sheets", _RESAVE, "empty-table")
        return None
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if 1 <= sheet <= len(sheets):
            return sheet - 1
        log.error(
            f"{where}: sheet",
            f"sheet number {sheet} is out of range: the workbook has "
            f"{len(sheets)} sheet(s): {_sheet_list(sheets)}",
            f"set `sheet:` to a number from 1 to {len(sheets)}, or to a sheet's name",
            "missing-sheet",
        )
        return None
    if sheet in sheets:
        return sheets.index(sheet)
    loose = [s for s in sheets if s.strip().casefold() == sheet.strip().casefold()]
    close = loose[0] if loose else _close(sheet, sheets)
    log.error(
        f"{where}: sheet",
        f"no sheet named '{sheet}'; the sheets are {_sheet_list(sheets)}",
        f"did you mean '{close}'?"
        if close
        else "set `sheet:` to one of these names, or to a number counting from 1",
        "missing-sheet",
    )
    return None


def _header_ok(
    names: list[str],
    below: Sequence[object],
    labels: Sequence[str],
    skip_rows: int,
    nouns: tuple[str, str],
    where: str,
    log: IssueLog,
    first_filled: int | None = None,
) -> bool:
    """Log a missing header, a title row read as header, or duplicate headers.

    `labels` name the columns in messages (Excel letters, or field numbers in a CSV);
    `nouns` are ("row", "column") for a sheet, ("line", "field") for a CSV;
    `first_filled` is the first row below the skipped ones holding any text.
    """
    noun, column = nouns
    header_at = skip_rows + 1
    filled = [n for n in names if n]
    if not filled:
        log.error(
            where,
            f"{noun} {header_at}, the header, is empty",
            f"the first {noun} with text is {first_filled}: set "
            f"`skip_rows: {first_filled - 1}`"
            if first_filled
            else f"set `skip_rows:` to the number of {noun}s above the header "
            f"(now {skip_rows})",
            "empty-header",
        )
        return False
    values_below = [v for v in below if v is not None and str(v).strip()]
    if len(filled) == 1 and len(values_below) > 1:
        log.error(
            where,
            f"{noun} {header_at} looks like a title, not a header: it has one "
            f"cell ('{filled[0]}') while the {noun} below has {len(values_below)}",
            f"set `skip_rows: {skip_rows + 1}` to skip the {noun}s above the header",
            "title-row",
        )
        return False
    seen: dict[str, list[str]] = {}
    for label, name in zip(labels, names, strict=True):
        if name:
            seen.setdefault(name, []).append(label)
    dups = [
        f"'{n}' ({column}s {', '.join(at)})" for n, at in seen.items() if len(at) > 1
    ]
    if dups:
        log.error(
            where,
            "duplicate column names: " + "; ".join(dups[:MAX_EXAMPLES]),
            "give every column a distinct header",
            "duplicate-column",
        )
        return False
    return True


def _drop_headerless(
    frame: pl.DataFrame,
    placeholders: dict[str, str],
    where: str,
    noun: str,
    log: IssueLog,
) -> pl.DataFrame:
    """Drop the columns read under a placeholder name (→ their letter or number)."""
    if not placeholders:
        return frame
    used = [
        label
        for name, label in placeholders.items()
        if frame[name].cast(pl.String).str.strip_chars().replace("", None).count()
    ]
    if used:
        log.warn(
            where,
            f"{noun}(s) {', '.join(used[:MAX_EXAMPLES])} hold values but have no "
            "header; they are ignored",
            "give them a header if they are needed",
            "no-header",
        )
    return frame.drop(list(placeholders))


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


def _typed_cells(path: Path, index: int) -> list[tuple[int, int, str]]:
    """(1-based row, 0-based column, text) of the error and boolean cells of one
    .xlsx sheet."""
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
            xml = zf.read(member)
    except (KeyError, IndexError, StopIteration, ET.ParseError, zipfile.BadZipFile):
        return []  # calamine read the file; an odd layout only loses this check
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


def parse_numbers(
    column: pl.Series, na_values: Iterable[str] = ()
) -> tuple[pl.Series, pl.Series]:
    """Parse a text column into Float64.

    Accepts plain numbers, surrounding spaces, full-width digits, thousands separators
    (`1,234.5`) and a trailing percent sign (`74.6%` → 74.6). Empty cells and
    `na_values` are missing. Anything else (`—`, `n/a`, `约100`, `1,23`) is not guessed.

    Returns:
        The parsed values and a boolean mask of the cells that could not be read.
    """
    if column.dtype.is_numeric():
        values = column.cast(pl.Float64)
        bad = values.is_infinite().fill_null(False)
        return values.set(bad, None) if bad.any() else values, bad
    if not list(na_values):
        quick = column.cast(pl.Float64, strict=False)
        if quick.null_count() == column.null_count():
            bad = quick.is_infinite().fill_null(False)
            return (quick.set(bad, None) if bad.any() else quick), bad
    text = column.cast(pl.String).str.strip_chars(" \t\u3000\xa0")
    missing = text.is_null() | (text == "") | text.is_in(list(na_values))
    values = text.cast(pl.Float64, strict=False)
    unread = values.is_null() & ~missing
    if unread.any():
        cleaned = (
            text.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
            .str.strip_chars(" ")
            .str.strip_suffix("%")
            .str.strip_chars(" ")
        )
        thousands = cleaned.str.contains(_THOUSANDS)
        cleaned = pl.Series(
            np.where(
                thousands.fill_null(False).to_numpy(),
                cleaned.str.replace_all(",", "").to_numpy(),
                cleaned.to_numpy(),
            ),
            dtype=pl.String,
        )
        retry = cleaned.cast(pl.Float64, strict=False)
        values = pl.select(
            pl.when(unread).then(retry).otherwise(values).alias("v")
        ).to_series()
        unread = values.is_null() & ~missing
    bad = unread | values.is_infinite().fill_null(False)
    values = pl.select(
        pl.when(missing | bad).then(None).otherwise(values).alias(column.name)
    ).to_series()
    return values, bad


def _parse_periods(column: pl.Series) -> list[Period | None]:
    """Periods as ints when they are whole numbers (2021, "2021", 2021.0), else text."""
    text = column.cast(pl.String).str.strip_chars()
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series()
    as_float = text.cast(pl.Float64, strict=False)
    whole = as_float.is_not_null() & (as_float == as_float.floor())
    if whole.sum() == text.count():
        return as_float.cast(pl.Int64).to_list()
    out: list[Period | None] = []
    for value, is_int in zip(text.to_list(), whole.to_list(), strict=True):
        out.append(None if value is None else int(float(value)) if is_int else value)
    return out


def _missing_columns(
    frame: pl.DataFrame, wanted: dict[str, str], where: str, log: IssueLog
) -> bool:
    """Log each wanted column that is absent; return True when all are present."""
    ok = True
    for key, col in wanted.items():
        if col not in frame.columns:
            ok = False
            close = _close(col, frame.columns)
            log.error(
                f"{where}: column '{col}'",
                f"the {key} column '{col}' is missing; columns are "
                f"{examples(frame.columns, 8)}",
                f"did you mean '{close}'? set `{key}:`"
                if close
                else f"set `{key}:` to the right column name",
                "missing-column",
            )
    return ok


def _close(name: str, options: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


# --- Units table --- #


def read_units(
    spec: IndexSpec, log: IssueLog
) -> tuple[pl.DataFrame | None, InputFile | None]:
    """Read the units table: `unit`, `name_zh`, `name_en`, group and weight columns."""
    units = spec.units
    if units is None:
        return None, None
    path = spec.resolve(units.file)
    where = f"{units.file} (units.file)"
    frame, encoding = read_table(
        path,
        log,
        encoding=units.encoding,
        separator=units.separator,
        label=where,
        sheet=units.sheet,
        skip_rows=units.skip_rows,
    )
    if frame is None:
        return None, None
    wanted = {"id": units.id}
    if units.name and units.name.zh:
        wanted["name.zh"] = units.name.zh
    if units.name and units.name.en:
        wanted["name.en"] = units.name.en
    for group in units.groups:
        wanted[f"groups ({group.column})"] = group.column
    if units.group_weight:
        wanted["group_weight"] = units.group_weight
    if not _missing_columns(frame, wanted, where, log):
        return None, None
    first = first_row(encoding, units.skip_rows)
    out = _units_frame(frame, units, where, log, first)
    for name in sorted(_denominator_names(spec)):
        if name in frame.columns and name != units.id:
            values, bad = parse_numbers(frame[name])
            rows = (np.flatnonzero(bad.to_numpy()) + first).tolist()
            if rows:
                log.error(
                    f"{where}: column '{name}'",
                    f"denominator cells that are not numbers in rows {examples(rows)}",
                    "write plain numbers",
                    "non-numeric",
                )
            out = out.with_columns(values.alias(f"den:{name}"))
    info = InputFile("units", path, sha256_of(path), encoding, frame.height)
    return out, info


def _denominator_names(spec: IndexSpec) -> set[str]:
    """Columns named by `denominator:` that are not indicators themselves."""
    ids = {ind.id for ind in spec.indicators}
    return {
        ind.denominator
        for ind in spec.indicators
        if ind.denominator and ind.denominator not in ids
    }


def _units_frame(
    frame: pl.DataFrame, units: UnitsSpec, where: str, log: IssueLog, first: int = 2
) -> pl.DataFrame:
    ids = frame[units.id].cast(pl.String).str.strip_chars()
    cols: dict[str, pl.Series] = {"unit": ids}
    for lang in ("zh", "en"):
        col = getattr(units.name, lang) if units.name else None
        cols[f"name_{lang}"] = (
            frame[col].cast(pl.String).str.strip_chars() if col else ids.clone()
        )
    for group in units.groups:
        cols[f"group:{group.column}"] = (
            frame[group.column].cast(pl.String).str.strip_chars()
        )
    if units.group_weight:
        weights, bad = parse_numbers(frame[units.group_weight])
        # unreadable cells come back as null too: one check covers all three cases
        invalid = weights.is_null() | (weights < 0).fill_null(False)
        if invalid.any():
            rows = (np.flatnonzero(invalid.to_numpy()) + first).tolist()
            log.error(
                f"{where}: column '{units.group_weight}'",
                f"missing, negative or non-numeric group weights in rows "
                f"{examples(rows)}",
                "give every unit a plain number ≥ 0 (e.g. its population)",
            )
        cols["group_weight"] = weights
    out = pl.DataFrame(cols)
    empty = np.flatnonzero(
        out["unit"].is_null().to_numpy()
        | (out["unit"] == "").fill_null(True).to_numpy()
    )
    if len(empty):
        log.error(
            f"{where}: column '{units.id}'",
            f"empty unit ids in rows {examples((empty + first).tolist())}",
            "give every row an id or delete it",
        )
    dup = out.filter(pl.col("unit").is_duplicated() & pl.col("unit").is_not_null())
    if dup.height:
        log.error(
            f"{where}: column '{units.id}'",
            f"duplicate unit ids: {examples(sorted(set(dup['unit'].to_list())))}",
            "each unit must appear once in the units table",
            "duplicate-unit",
        )
    return out.filter(pl.col("unit").is_not_null() & (pl.col("unit") != ""))


# --- Data tables --- #


@dataclass
class _Table:
    frame: pl.DataFrame  # unit, period, <indicator columns>, _row
    indicators: list[str]
    where: str


def _read_data_table(
    spec: IndexSpec, index: int, table: DataTable, wanted: set[str], log: IssueLog
) -> tuple[_Table | None, InputFile | None]:
    path = spec.resolve(table.file)
    text_cols = [table.unit, table.period]
    if table.format == "long":
        text_cols += [table.indicator, table.value]
    where = f"{table.file} (data[{index}])"
    frame, encoding = read_table(
        path,
        log,
        encoding=table.encoding,
        separator=table.separator,
        text_columns=text_cols,
        label=where,
        sheet=table.sheet,
        skip_rows=table.skip_rows,
    )
    if frame is None:
        return None, None
    info = InputFile(f"data[{index}]", path, sha256_of(path), encoding, frame.height)
    key_cols = {"unit": table.unit, "period": table.period}
    if table.format == "long":
        key_cols |= {"indicator": table.indicator, "value": table.value}
    if not _missing_columns(frame, key_cols, where, log):
        return None, info
    # rows are file lines in a CSV, sheet rows in Excel, record numbers in Parquet
    offset = first_row(encoding, table.skip_rows)
    frame = frame.with_row_index("_row", offset=offset)
    if table.format == "long":
        wide = _long_to_wide(frame, table, wanted, where, log)
    else:
        wide = _wide(frame, table, wanted, where, log)
    if wide is None:
        return None, info
    return wide, info


def _keys(
    frame: pl.DataFrame, table: DataTable, where: str, log: IssueLog
) -> pl.DataFrame:
    units = frame[table.unit].cast(pl.String).str.strip_chars()
    periods = _parse_periods(frame[table.period])
    bad_unit = np.flatnonzero(
        (units.is_null() | (units == "")).fill_null(True).to_numpy()
    )
    if len(bad_unit):
        log.error(
            f"{where}: column '{table.unit}'",
            "empty unit ids in rows "
            + examples(frame["_row"].gather(bad_unit).to_list()),
            "fill in the unit id or delete the rows",
            "missing-key",
        )
    bad_period = [frame["_row"][i] for i, p in enumerate(periods) if p is None]
    if bad_period:
        log.error(
            f"{where}: column '{table.period}'",
            f"empty periods in rows {examples(bad_period)}",
            "fill in the period or delete the rows",
            "missing-key",
        )
    kinds = {type(p) for p in periods if p is not None}
    if len(kinds) > 1:
        log.error(
            f"{where}: column '{table.period}'",
            "periods mix numbers and text",
            "write periods one way, e.g. 2021 or 2021H1",
        )
    period_series = (
        pl.Series("period", periods, dtype=pl.Int64)
        if kinds <= {int}
        else pl.Series(
            "period", [None if p is None else str(p) for p in periods], dtype=pl.String
        )
    )
    return pl.DataFrame({"unit": units, "period": period_series, "_row": frame["_row"]})


def _wide(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> _Table | None:
    for header in table.rename:
        if header not in frame.columns:
            log.warn(
                f"{where}: rename",
                f"header '{header}' not found in the table",
                "check the spelling of the alias",
                "unused-alias",
            )
    renamed = {h: i for h, i in table.rename.items() if h in frame.columns}
    clashes = [
        f"{h} → {i}"
        for h, i in renamed.items()
        if i in frame.columns and i not in renamed
    ]
    if clashes:
        log.error(
            f"{where}: rename",
            f"aliases onto columns that already exist: {examples(clashes)}",
            "drop the alias or the other column",
            "duplicate-column",
        )
        return None
    frame = frame.rename(renamed)
    keys = _keys(frame, table, where, log)
    cols = [
        c for c in frame.columns if c in wanted and c not in (table.unit, table.period)
    ]
    parsed: dict[str, pl.Series] = {}
    # Columns Polars already typed as numbers need no parsing: cast them at once.
    numeric = [c for c in cols if frame[c].dtype.is_numeric()]
    if numeric:
        cast = frame.select(pl.col(numeric).cast(pl.Float64))
        block = cast.to_numpy()
        infinite = np.isinf(block)
        for j in np.flatnonzero(infinite.any(axis=0)):
            col = numeric[int(j)]
            _report_bad_cells(frame, col, pl.Series(infinite[:, j]), keys, where, log)
        if infinite.any():
            block = np.where(infinite, np.nan, block)
            cast = pl.from_numpy(block, schema=numeric).fill_nan(None)
        parsed.update(cast.to_dict())
    for col in cols:
        if col in parsed:
            continue
        values, bad = parse_numbers(frame[col], table.na_values)
        if bad.any():
            _report_bad_cells(frame, col, bad, keys, where, log)
        parsed[col] = values
    out = keys.with_columns(**parsed) if parsed else keys
    _check_duplicates(out, ["unit", "period"], where, log)
    return _Table(out, cols, where)


def _long_to_wide(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> _Table | None:
    names = frame[table.indicator].cast(pl.String).str.strip_chars()
    if table.rename:
        names = names.replace(table.rename)
    keys = _keys(frame, table, where, log)
    values, bad = parse_numbers(frame[table.value], table.na_values)
    if bad.any():
        _report_bad_cells(frame, table.value, bad, keys, where, log, names)
    long = keys.with_columns(indicator=names, value=values).filter(
        pl.col("indicator").is_in(list(wanted))
    )
    _check_duplicates(long, ["unit", "period", "indicator"], where, log)
    if long.height == 0:
        return _Table(keys.head(0), [], where)
    long = long.unique(
        ["unit", "period", "indicator"], keep="first", maintain_order=True
    )
    wide = long.pivot(
        on="indicator",
        index=["unit", "period"],
        values="value",
        aggregate_function=None,
    )
    rows = long.group_by(["unit", "period"], maintain_order=True).agg(
        pl.col("_row").min()
    )
    wide = wide.join(rows, on=["unit", "period"], how="left", nulls_equal=True)
    inds = [c for c in wide.columns if c not in ("unit", "period", "_row")]
    return _Table(wide, inds, where)


def _report_bad_cells(
    frame: pl.DataFrame,
    col: str,
    bad: pl.Series,
    keys: pl.DataFrame,
    where: str,
    log: IssueLog,
    names: pl.Series | None = None,
) -> None:
    idx = np.flatnonzero(bad.to_numpy())
    cells = []
    for i in idx[:5]:
        row, unit, period = (
            frame["_row"][int(i)],
            keys["unit"][int(i)],
            keys["period"][int(i)],
        )
        label = f"row {row} ({unit}, {period}"
        if names is not None:
            label += f", {names[int(i)]}"
        cells.append(f"{label}): {frame[col][int(i)]!r}")
    more = f" and {len(idx) - 5} more" if len(idx) > 5 else ""
    log.error(
        f"{where}: column '{col}'",
        f"{len(idx)} cell(s) are not numbers: " + "; ".join(cells) + more,
        "write plain numbers (1234.5, 74.6); leave missing cells empty or list their "
        "text in `na_values:`",
        "non-numeric",
    )


def _check_duplicates(
    frame: pl.DataFrame, keys: list[str], where: str, log: IssueLog
) -> None:
    dup = frame.filter(pl.struct(keys).is_duplicated())
    if dup.height:
        groups = (
            dup.group_by(keys, maintain_order=True)
            .agg(pl.col("_row"))
            .head(5)
            .iter_rows()
        )
        shown = "; ".join(
            f"{', '.join(str(v) for v in row[:-1])} in rows {row[-1]}" for row in groups
        )
        log.error(
            where,
            f"duplicate ({', '.join(keys)}) rows: {shown}",
            "keep one row per " + " × ".join(keys),
            "duplicate-row",
        )


# --- Assembling the dataset --- #


def load_data(
    spec: IndexSpec,
    frames: Sequence[pl.DataFrame] | None = None,
    *,
    strict: bool = True,
) -> Dataset:
    """Read every table of a spec and align it into a `Dataset`.

    Args:
        spec: the validated spec.
        frames: optional in-memory tables replacing `spec.data` one for one (same
            column conventions as the files).
        strict: raise on problems found after the tables were read (duplicates,
            unknown units, bad cells, …). With `strict=False` (the data audit) the
            dataset is returned with those errors in `issues`; tables that cannot
            be read at all still raise.

    Raises:
        DataError: listing every problem found (missing files and columns,
            unreadable cells, duplicate rows, unknown units, empty periods, …).
    """
    log = IssueLog()
    wanted = {ind.id for ind in spec.indicators} | _denominator_names(spec)
    unit_table, units_info = read_units(spec, log)
    inputs: list[InputFile] = [units_info] if units_info else []
    tables: list[_Table] = []
    unreadable = False
    for i, table in enumerate(spec.data):
        if frames is not None and i < len(frames):
            t = _from_frame(frames[i], table, wanted, f"data[{i}] (in memory)", log)
        else:
            t, info = _read_data_table(spec, i, table, wanted, log)
            if info:
                inputs.append(info)
        if t is not None:
            tables.append(t)
        else:
            unreadable = True
    # Bad cells still leave a table to check; a table that could not be read at all
    # would only cause follow-up errors (its indicators "missing"), so stop here.
    if unreadable or unit_table is None and spec.units is not None:
        log.raise_if_errors(DataError, "cannot read the data")
    dataset = _assemble(spec, tables, unit_table, log)
    dataset.inputs = inputs
    if not strict:
        dataset.issues = log.issues
        return dataset
    log.raise_if_errors(DataError, "the data do not fit the spec")
    dataset.issues = log.warnings
    return dataset


def _from_frame(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> _Table | None:
    key_cols = {"unit": table.unit, "period": table.period}
    if table.format == "long":
        key_cols |= {"indicator": table.indicator, "value": table.value}
    if not _missing_columns(frame, key_cols, where, log):
        return None
    frame = frame.with_row_index("_row", offset=2)
    if table.format == "long":
        return _long_to_wide(frame, table, wanted, where, log)
    return _wide(frame, table, wanted, where, log)


def _period_key(p: Period) -> tuple[int, Any]:
    return (0, p) if isinstance(p, int) else (1, str(p))


def _assemble(
    spec: IndexSpec,
    tables: list[_Table],
    unit_table: pl.DataFrame | None,
    log: IssueLog,
) -> Dataset:
    indicators = [ind.id for ind in spec.indicators]
    used = {node.id for node, _ in spec.tree.walk() if node.is_leaf}
    owner: dict[str, str] = {}
    den_tables: dict[str, _Table] = {}
    for t in tables:
        ids = set(indicators)
        for name in [c for c in t.indicators if c not in ids]:
            den_tables.setdefault(name, t)
        t.indicators = [c for c in t.indicators if c in ids]
    for t in tables:
        for ind in t.indicators:
            if ind in owner:
                log.error(
                    t.where,
                    f"indicator '{ind}' is also in {owner[ind]}",
                    "keep each indicator in one table",
                    "duplicate-column",
                )
            owner.setdefault(ind, t.where)
    for ind in indicators:
        if ind not in owner and ind in used:  # unused ones are a spec warning
            log.error(
                "data",
                f"indicator '{ind}' is in no data table",
                "add its column (wide) or rows (long), or a `rename:` alias",
                "missing-indicator",
            )

    kinds = {t.where: t.frame["period"].dtype == pl.String for t in tables}
    if len(set(kinds.values())) > 1:
        log.error(
            "data",
            "periods are numbers in "
            + ", ".join(w for w, text in kinds.items() if not text)
            + " but text in "
            + ", ".join(w for w, text in kinds.items() if text),
            "write periods one way in every table (2021, or 2021H1 everywhere)",
            "period-types",
        )
        return Dataset([], [], indicators, np.empty((0, 0, len(indicators))), _EMPTY)
    keys = (
        pl.concat(
            [t.frame.select("unit", "period") for t in tables], how="vertical_relaxed"
        )
        if tables
        else pl.DataFrame({"unit": [], "period": []})
    )
    found_periods = sorted(
        {p for p in keys["period"].to_list() if p is not None}, key=_period_key
    )
    if spec.periods is not None:
        periods = list(spec.periods)
        extra = [p for p in found_periods if p not in periods]
        if extra:
            log.warn(
                "data",
                f"rows for periods {examples(extra)} are not in `periods` "
                "and are ignored",
                "add them to `periods:` to use them",
                "ignored-periods",
            )
    else:
        periods = found_periods
    data_units = sorted({u for u in keys["unit"].to_list() if u})
    if unit_table is not None:
        known = unit_table["unit"].to_list()
        unknown = [u for u in data_units if u not in set(known)]
        if unknown:
            where = ", ".join(
                sorted(
                    {
                        t.where
                        for t in tables
                        if t.frame.filter(pl.col("unit").is_in(unknown)).height
                    }
                )
            )
            log.error(
                where,
                f"units not in the units table: {examples(unknown)}",
                "add them to the units table or fix the ids (codes are text: "
                "check leading zeros)",
                "unknown-unit",
            )
        with_data = set(data_units)
        units = [u for u in known if u in with_data]
        no_data = [u for u in known if u not in with_data]
        if no_data:
            log.warn(
                "units",
                f"units without any data are left out: {examples(no_data)}",
                "add their rows to the data tables",
                "unit-without-data",
            )
        table = unit_table.filter(pl.col("unit").is_in(units))
    else:
        units = data_units
        table = pl.DataFrame({"unit": units, "name_zh": units, "name_en": units})

    values = np.full((len(units), len(periods), len(indicators)), np.nan)
    if not units or not periods:
        log.error(
            "data",
            "no rows to compute",
            "check the unit and period columns",
            "empty-table",
        )
        return Dataset(units, periods, indicators, values, table)
    u_index = {u: i for i, u in enumerate(units)}
    p_index = {p: i for i, p in enumerate(periods)}
    i_index = {ind: i for i, ind in enumerate(indicators)}
    for t in tables:
        if not t.indicators:
            continue
        ui, pi, keep = _cells_of(t, u_index, p_index)
        cols = [i_index[c] for c in t.indicators]
        block = t.frame.select(t.indicators).to_numpy().astype(np.float64)
        sub = values[ui[keep], pi[keep]]
        sub[:, cols] = block[keep]
        values[ui[keep], pi[keep]] = sub
    _check_coverage(values, units, periods, indicators, used, log)
    dens = _denominators(spec, den_tables, table, units, u_index, p_index, log)
    table = table.drop([c for c in table.columns if c.startswith("den:")])
    return Dataset(units, periods, indicators, values, table, denominators=dens)


def _cells_of(
    t: _Table, u_index: dict[str, int], p_index: dict[Period, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit and period positions of a table's rows, and which rows are in the
    dataset (units and periods it keeps)."""
    ui = np.array([u_index.get(u, -1) for u in t.frame["unit"].to_list()])
    pi = np.array([p_index.get(p, -1) for p in t.frame["period"].to_list()])
    return ui, pi, (ui >= 0) & (pi >= 0)


def _denominators(
    spec: IndexSpec,
    tables: dict[str, _Table],
    unit_table: pl.DataFrame,
    units: list[str],
    u_index: dict[str, int],
    p_index: dict[Period, int],
    log: IssueLog,
) -> dict[str, np.ndarray]:
    """`[unit, period]` arrays of the denominator columns: from a data table (same
    unit and period) or else the units table (the same value every period)."""
    out: dict[str, np.ndarray] = {}
    ids = {ind.id for ind in spec.indicators}
    for i, ind in enumerate(spec.indicators):
        name = ind.denominator
        if name is None or name in out or name in ids:
            continue  # an indicator denominator is taken from `values` by compute
        arr = np.full((len(units), len(p_index)), np.nan)
        t = tables.get(name)
        if t is not None:
            ui, pi, keep = _cells_of(t, u_index, p_index)
            col = t.frame[name].cast(pl.Float64).to_numpy()
            arr[ui[keep], pi[keep]] = col[keep]
        elif f"den:{name}" in unit_table.columns:
            col = unit_table[f"den:{name}"].cast(pl.Float64).to_numpy()
            arr[:] = col[:, None]
        else:
            log.error(
                f"indicators[{i}].denominator",
                f"denominator '{name}' of indicator '{ind.id}' is a column of no "
                "data table nor of the units table",
                "add the column (e.g. population) to a data table or the units "
                "table, or fix the name",
                "missing-column",
            )
            continue
        out[name] = arr
    return out


def _check_coverage(
    values: np.ndarray,
    units: list[str],
    periods: list[Period],
    indicators: list[str],
    used: set[str],
    log: IssueLog,
) -> None:
    present = ~np.isnan(values)
    for p, period in enumerate(periods):
        if not present[:, p, :].any():
            log.error(
                "data",
                f"period {period!r} has no data",
                "add its rows or remove it from `periods:`",
                "empty-period",
            )
    for i, ind in enumerate(indicators):
        if ind not in used:
            continue
        if not present[:, :, i].any():
            log.error(
                f"data: indicator '{ind}'",
                "every value is missing",
                "fill the column or remove the indicator from the tree",
                "all-missing",
            )
            continue
        for p, period in enumerate(periods):
            if present[:, p, :].any() and not present[:, p, i].any():
                log.warn(
                    f"data: indicator '{ind}'",
                    f"every value is missing in period {period!r}",
                    "its parent is computed from the other children there",
                    "missing-period",
                )


_EMPTY = pl.DataFrame(
    schema={"unit": pl.String, "name_zh": pl.String, "name_en": pl.String}
)


# --- Writing --- #


def write_atomic(
    out_dir: Path,
    files: dict[str, Callable[[Path], None]],
    what: str | None = None,
) -> list[Path]:
    """Write several files so that none is left half-written.

    Each writer writes into a temporary directory beside `out_dir`; only when all have
    succeeded are the files moved into place (a rename each).

    Raises:
        OutputError: the directory cannot be written (`cannot write {what}`, default
            `the files to {out_dir}`), with the reason and a hint.
    """
    import shutil
    import tempfile

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".gdindex-", dir=out_dir))
        try:
            for name, writer in files.items():
                writer(tmp / name)
            written = []
            for name in files:
                target = out_dir / name
                os.replace(tmp / name, target)
                written.append(target)
            return written
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        # one file: name it; several: the directory they go to
        where = out_dir / next(iter(files)) if len(files) == 1 else out_dir
        raise output_error(what or f"the files to {out_dir}", where, exc) from exc


def output_error(what: str, where: Path, exc: BaseException) -> OutputError:
    """`cannot write {what}`: the reason, and a hint to choose another place."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return OutputError(
        f"cannot write {what}",
        [
            Issue(
                str(where),
                f"{type(exc).__name__}: {reason}",
                "choose a directory you can write to (--out), or free some space",
            )
        ],
    )


def json_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as JSON-ready dicts (NaN and ±inf → None)."""
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    return rows


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write a frame as CSV (UTF-8, full float precision, NaN as empty) or Parquet."""
    frame = frame.with_columns(
        pl.col(c).fill_nan(None) for c, t in frame.schema.items() if t.is_float()
    )
    if fmt == "parquet":
        frame.write_parquet(path, statistics=False)
    elif fmt == "json":
        path.write_text(frame.write_json(), encoding="utf-8")
    else:
        frame.write_csv(path)
