"""Reading one input file (CSV, Excel or Parquet) into a frame.

Owns `read_table`: the file's format by suffix, CSV decoding, `skip_rows`, header
checks, ragged rows, and the Parquet reader; `first_row` numbers the rows as a user
sees them, and `InputFile` records a file that was read (for the manifest). It
never knows what the columns mean: units, periods and indicators are the callers'.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from gdindex.errors import IssueLog, examples, plural
from gdindex.io.excel import EXCEL_SUFFIXES, read_excel
from gdindex.io.headers import drop_headerless, header_ok
from gdindex.io.numeric import DecodeError, decode
from gdindex.spec.limits import not_a_regular_file


@dataclass(frozen=True)
class InputFile:
    """A file that was read: for the manifest."""

    role: str
    path: Path
    sha256: str
    encoding: str
    rows: int


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
    decimal: str = ".",
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
        decimal: the table's decimal mark; with `","` every CSV column is text (so
            Polars never reads `1.234` as 1.234), and an Excel number cell in a
            column of text is written with a decimal comma (it keeps its value).

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
            message_zh="文件不存在",
            hint_zh="请检查路径（相对于配置文件所在目录）",
        )
        return None, ""
    kind = not_a_regular_file(path)
    if kind is not None:  # a FIFO would hang the read, /dev/zero fill the memory
        log.error(
            where,
            f"{kind}, not a file: gdindex reads only regular files",
            "give the path of a CSV, Excel or Parquet file",
            "not-a-file",
            message_zh=f"这是{kind.zh}，不是文件：gdindex 只读取普通文件",
            hint_zh="请给出 CSV、Excel 或 Parquet 文件的路径",
        )
        return None, ""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, log, where, sheet, skip_rows, text_columns, decimal)
    if sheet is not None:
        log.warn(
            where,
            f"`sheet: {sheet}` is ignored: the file is not an Excel workbook",
            "drop `sheet:`",
            "ignored-key",
            message_zh=f"`sheet: {sheet}` 不起作用：该文件不是 Excel 工作簿",
            hint_zh="请删去 `sheet:`",
        )
    if suffix in {".parquet", ".pq"}:
        if skip_rows:
            log.warn(
                where,
                f"`skip_rows: {skip_rows}` is ignored for Parquet files",
                "drop `skip_rows:`",
                "ignored-key",
                message_zh=f"`skip_rows: {skip_rows}` 对 Parquet 文件不起作用",
                hint_zh="请删去 `skip_rows:`",
            )
        return _read_parquet(path, log, where)
    raw = path.read_bytes()
    try:
        text, used = decode(raw, encoding)
    except DecodeError as exc:
        log.error(
            where,
            exc.message,
            exc.hint,
            "encoding",
            message_zh=exc.message_zh,
            hint_zh=exc.hint_zh,
        )
        return None, ""
    if skip_rows:
        text = _skip_lines(text, skip_rows)
        if not text or text.isspace():
            log.error(
                where,
                "nothing is left after skipping "
                f"{plural(skip_rows, 'line')} (`skip_rows`)",
                "set `skip_rows:` to the number of lines above the header",
                "empty-table",
                message_zh=f"跳过 {skip_rows} 行（`skip_rows`）后已没有内容",
                hint_zh="请把 `skip_rows:` 设为表头上方的行数",
            )
            return None, used
    if not text or text.isspace():
        log.error(
            where,
            "the file is empty",
            "add a header row and data",
            "empty-table",
            message_zh="文件为空",
            hint_zh="请添加表头行和数据",
        )
        return None, used
    try:  # the csv module: header, and the rows' field counts
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
        if not header_ok(
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
            lines_zh = [f"第 {n + skip_rows} 行有 {k} 个字段" for n, k in ragged]
            log.error(
                where,
                f"{plural(len(ragged), 'row')} "
                f"{'does' if len(ragged) == 1 else 'do'} not have the header's "
                f"{len(names)} fields: " + examples(lines),
                "check separators and quotes in those rows (a missing value is an "
                "empty field between two separators)",
                "ragged-rows",
                message_zh=f"{len(ragged)} 行的字段数与表头的 {len(names)} 个不同："
                + examples(lines_zh, lang="zh"),
                hint_zh="请检查这些行的分隔符和引号（缺失值应是两个分隔符之间的"
                "空字段）",
            )
            return None, used
    except csv.Error as exc:  # a NUL byte, a bare carriage return in a field, …
        log.error(
            where,
            f"cannot parse CSV: {exc}",
            "check separators, quotes and line ends (save the file as CSV again)",
            "bad-csv",
            message_zh=f"无法解析 CSV：{exc}",
            hint_zh="请检查分隔符、引号和换行符（重新另存为 CSV）",
        )
        return None, used
    body = raw if used == "utf-8" and not skip_rows else text.encode("utf-8")
    frame = None
    if text_columns is not None and decimal != ",":
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
                message_zh=f"无法解析 CSV：{exc}",
                hint_zh="请检查分隔符和引号",
            )
            return None, used
    frame = drop_headerless(frame, placeholders, where, "field", log)
    if frame.height == 0:
        log.error(
            where,
            "the table has a header but no rows",
            "add data rows",
            "empty-table",
            message_zh="表格只有表头，没有数据行",
            hint_zh="请添加数据行",
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
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        rows = ((reader.line_num, len(row)) for row in reader if row)
    return [(n, k) for n, k in rows if n > 1 and k != width]


def _read_parquet(
    path: Path, log: IssueLog, where: str
) -> tuple[pl.DataFrame | None, str]:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for bad files
        log.error(
            where,
            f"cannot read Parquet: {exc}",
            "check the file",
            message_zh=f"无法读取 Parquet 文件：{exc}",
            hint_zh="请检查该文件",
        )
        return None, ""
    if frame.height == 0:
        log.error(
            where,
            "the table is empty",
            "add rows",
            "empty-table",
            message_zh="表格为空",
            hint_zh="请添加数据行",
        )
        return None, "binary"
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if nested:
        log.error(
            where,
            f"nested (list/struct) columns: {examples(nested)}",
            "store one plain value per cell",
            "bad-column-type",
            message_zh=f"有嵌套（list/struct）类型的列：{examples(nested, lang='zh')}",
            hint_zh="每个单元格只存放一个普通值",
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
