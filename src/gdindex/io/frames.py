"""Frames to files: CSV (UTF-8, full float precision, NaN as empty), Parquet or
JSON, whole (`write_frame`) or in row blocks (`write_frames`), and frames as
JSON-ready records. Where a file goes and whether it is written all or nothing is
`io.write`'s.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from gdindex.errors import Issue, OutputError


def json_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as JSON-ready dicts (NaN and ±inf → None)."""
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    return rows


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write a frame as CSV (UTF-8, full float precision, NaN as empty) or Parquet.

    The last guard against non-finite numbers: NaN is written as a missing value,
    and ±inf (which the computation turns into a missing value with a warning
    before it gets here) is refused rather than written as `inf` text.

    Raises:
        OutputError: a float column holds ±inf, naming the file, column and rows.
    """
    frame = _finite(frame, path)
    if fmt == "parquet":
        frame.write_parquet(path, statistics=False)
    elif fmt == "json":
        path.write_text(frame.write_json(), encoding="utf-8")
    else:
        frame.write_csv(path)


def write_frames(blocks: Iterable[pl.DataFrame], path: Path, fmt: str) -> int:
    """Write one table given as consecutive row blocks of one schema, exactly as
    `write_frame` writes the whole (the same bytes).

    A CSV is written block after block (the header once), so that a table of
    millions of rows need never be in memory at once, and each block's memory is
    reused by the next; Parquet and JSON are written from the blocks put together.

    Returns:
        The rows written.

    Raises:
        OutputError: as `write_frame`; the rows it names count from the first
            block.
        ValueError: no block at all (a table has at least its header).
    """
    blocks = iter(blocks)
    first = next(blocks, None)
    if first is None:
        raise ValueError(f"no rows and no columns to write to {path.name}")
    second = next(blocks, None)
    if second is None:  # one block: the table itself
        write_frame(first, path, fmt)
        return first.height
    rest = itertools.chain([first, second], blocks)
    if fmt != "csv":
        table = pl.concat(list(rest))
        write_frame(table, path, fmt)
        return table.height
    rows = 0
    with path.open("wb") as out:
        for block in rest:
            _finite(block, path, rows).write_csv(out, include_header=block is first)
            rows += block.height
            out.flush()
            _start_writeback(out.fileno())
    return rows


_sync_file_range: Any = None


def _start_writeback(fd: int) -> None:
    """Start writing the file's dirty pages to disk without waiting for them
    (Linux `sync_file_range(…, SYNC_FILE_RANGE_WRITE)`; nothing elsewhere): the
    disk works while the next block is formatted, and the fsync that makes the
    file durable finds little left to write."""
    global _sync_file_range
    if _sync_file_range is None:
        _sync_file_range = False
        if sys.platform.startswith("linux"):
            import ctypes
            import ctypes.util

            try:
                fn = ctypes.CDLL(ctypes.util.find_library("c")).sync_file_range
            except (OSError, AttributeError):
                return
            fn.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
            fn.restype = ctypes.c_int
            _sync_file_range = fn
    if _sync_file_range:
        _sync_file_range(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)  # a failure: fsync's job


_SYNC_FILE_RANGE_WRITE = 2


def row_blocks(frame: pl.DataFrame, rows: int) -> Iterator[pl.DataFrame]:
    """`frame` as consecutive blocks of at most `rows` rows (zero-copy slices), for
    `write_frames`; an empty frame is one block, for its header."""
    if frame.height == 0:
        yield frame
    else:
        yield from frame.iter_slices(rows)


def _finite(frame: pl.DataFrame, path: Path, offset: int = 0) -> pl.DataFrame:
    """`frame` with NaN as missing; an OutputError if a float column holds ±inf
    (rows numbered as in the file, the first of `frame` being row `offset + 1`)."""
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    if not floats:
        return frame
    infinite = frame.select(pl.col(floats).is_infinite().any())
    for column in [c for c in floats if infinite[c][0]]:
        rows = frame.with_row_index("__row").filter(pl.col(column).is_infinite())
        shown = [offset + r + 2 for r in rows["__row"].head(5).to_list()]  # header
        raise OutputError(
            f"cannot write {path.name}: column '{column}' holds infinite values",
            [
                Issue(
                    f"{path.name}: column '{column}'",
                    f"{rows.height} infinite value(s), e.g. at row(s) "
                    f"{', '.join(map(str, shown))} of the table",
                    "this is a gdindex bug: please report it with the spec; "
                    "extreme input values may be the cause",
                    code="non-finite",
                    message_zh=f"{rows.height} 个无穷大值，例如表中第 "
                    f"{', '.join(map(str, shown))} 行",
                    hint_zh="这是 gdindex 的缺陷：请连同配置文件一起报告；"
                    "原因可能是极端的输入值",
                    where_zh=f"{path.name}：列 '{column}'",
                )
            ],
            message_zh=f"无法写入 {path.name}：列 '{column}' 含有无穷大值",
        )
    return frame.with_columns(pl.col(c).fill_nan(None) for c in floats)
