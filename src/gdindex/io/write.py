"""Writing outputs: atomically, with one error type for every failed write.

Owns `write_atomic` (all files or none), `output_error`, frames as CSV, Parquet or
JSON (`write_frame`) and JSON-ready records. It never reads inputs or decides what
a result file contains.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from gdindex.errors import Issue, OutputError


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
