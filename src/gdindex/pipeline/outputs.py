"""Result files (DESIGN §6): scores, indicators, weights, groups, manifest.

Files are written atomically and are byte-identical for identical inputs: rows are
in a fixed order, floats are written at full precision, and the manifest holds no
time unless asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from gdindex.errors import Bilingual
from gdindex.io import row_blocks, write_frames, write_set
from gdindex.pipeline.result import BLOCK_ROWS, IndexResult
from gdindex.pipeline.stages import compute
from gdindex.spec import IndexSpec
from gdindex.version import __version__

FORMATS = ("csv", "parquet", "json")
#: A table to write: a builder of its consecutive row blocks.
Blocks = Callable[[], Iterable[pl.DataFrame]]
RESULT_TABLES = (
    "scores",
    "indicators",
    "weights",
    "groups",
    "quadrants",
    "contributions",
    "cagr",
)


def result_tables(result: IndexResult) -> dict[str, pl.DataFrame]:
    """The tables written to disk, by base name (contract files first)."""
    return {
        "scores": result.scores,
        "indicators": result.indicator_table(),
        "weights": result.weights,
        "groups": result.groups,
        "quadrants": result.quadrants,
        "contributions": result.contributions,
        "cagr": result.cagr,
    }


def spec_sha256(result: IndexResult) -> str:
    """SHA-256 of the spec file, or of its canonical JSON when built in memory."""
    path = result.spec.path
    if path is not None and path.exists():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    text = json.dumps(result.spec.dump(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _display_path(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        import os

        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def manifest(
    result: IndexResult,
    tables: dict[str, pl.DataFrame] | None = None,
    fmt: str = "csv",
    with_time: bool = False,
    rows: dict[str, int] | None = None,
) -> dict[str, Any]:
    """What was computed from what: version, spec and input hashes, methods, rows
    (of `tables`, or as `rows` counts them: table name → rows written)."""
    spec = result.spec
    base = spec.base_dir
    normalise: dict[str, list[str]] = {}
    for ind in spec.indicators:
        p = spec.normalise_for(ind)
        key = json.dumps(p.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        normalise.setdefault(key, []).append(ind.id)
    prepare: dict[str, dict[str, list[str]]] = {"impute": {}, "treat": {}}
    for ind in spec.indicators:
        for step, params in (
            ("impute", spec.impute_for(ind)),
            ("treat", spec.treat_for(ind)),
        ):
            if params.method == "none":
                continue
            key = json.dumps(
                params.model_dump(mode="json"), sort_keys=True, ensure_ascii=False
            )
            prepare[step].setdefault(key, []).append(ind.id)
    aggregate = {
        node.id: spec.aggregate_for(node).model_dump(mode="json")
        for node, _ in spec.tree.walk()
        if not node.is_leaf
    }
    weights = (
        {nw.node: nw.to_dict() for nw in result.weighting.nodes.values()}
        if result.weighting is not None
        else {}
    )
    out: dict[str, Any] = {
        "gdindex_version": __version__,
        "spec": {
            "id": spec.id,
            "name": spec.name.model_dump(),
            "file": spec.path.name if spec.path else None,
            "sha256": spec_sha256(result),
            "overrides": list(spec.overrides),
        },
        "inputs": [
            {
                "role": f.role,
                "path": _display_path(f.path, base),
                "sha256": f.sha256,
                "encoding": f.encoding,
                "rows": f.rows,
            }
            for f in result.inputs
        ],
        "periods": list(result.periods),
        "units": result.units.height,
        "methods": {
            "normalise": [
                {"params": json.loads(k), "indicators": v} for k, v in normalise.items()
            ],
            "aggregate": aggregate,
            "weights": weights,
            "denominate": {
                ind.id: {"denominator": ind.denominator, "scale": ind.scale}
                for ind in spec.indicators
                if ind.denominator
            },
            **{
                step: [
                    {"params": json.loads(k), "indicators": v} for k, v in found.items()
                ]
                for step, found in prepare.items()
            },
            "screen": spec.screen.model_dump(mode="json") if spec.screen else None,
        },
        "preparation": _preparation_counts(result),
        "format": fmt,
        "rows": dict(rows)
        if rows is not None
        else {name: t.height for name, t in (tables or {}).items()},
        "warnings": [i.to_dict() for i in result.issues if i.severity == "warning"],
    }
    if with_time:
        out["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


def _preparation_counts(result: IndexResult) -> dict[str, int]:
    """Cells changed by each preparation step."""
    counts = dict.fromkeys(("denominate", "impute", "screen", "treat"), 0)
    for row in result.preparation.iter_rows(named=True):
        counts[row["step"]] += int(row["cells"])
    return counts


def write_outputs(
    result: IndexResult,
    out_dir: str | Path,
    fmt: str = "csv",
    with_time: bool = False,
) -> list[Path]:
    """Write the result files of DESIGN §6 into `out_dir`, atomically.

    Args:
        result: what `compute` returned.
        out_dir: directory (created if needed).
        fmt: `csv`, `parquet` or `json` (one JSON array of records per table).
        with_time: record the creation time in the manifest (breaks byte-identity).

    Returns:
        The files written: the tables of `RESULT_TABLES` in that order, then
        `manifest.json`.

    Raises:
        ValueError: an unknown `fmt`.
        OutputError: `out_dir` cannot be written (see `io.write.write_set`).
    """
    _check_format(fmt)
    return _write(Path(out_dir), fmt, with_time, lambda: result, _table_makers(result))


def compute_outputs(
    spec: IndexSpec,
    out_dir: str | Path,
    fmt: str = "csv",
    with_time: bool = False,
    check: Callable[[IndexResult], object] | None = None,
) -> tuple[IndexResult, list[Path]]:
    """`compute(spec)` and `write_outputs` of its result, overlapped.

    The set is begun as soon as `compute` has ruled out every data error (its
    first `ready` call): the long indicator table and the contributions are built
    and written in other threads while the ranks and growth are computed, the
    scores as soon as those are known; the other tables and the manifest follow
    the result. The files are the same, byte for byte, as those of
    `write_outputs(compute(spec), …)`. `check`, when given, is
    called with the result before the set is completed: what it raises abandons
    the set, as a failed computation does (e.g. the CLI's unknown `--period`).

    Returns:
        The result, and the files written (as `write_outputs`).

    Raises:
        SpecError, DataError: as `compute`; no file or folder has been created
            then. Should the computation or `check` fail after the set was begun,
            the unfinished set is removed and their error raised.
        ValueError: an unknown `fmt`.
        OutputError: as `write_outputs`.
    """
    _check_format(fmt)
    out = Path(out_dir)
    computed: Future[IndexResult] = Future()
    # each table's builder, as `compute` hands it over (or, at its end, the result)
    handed: dict[str, Future[Blocks]] = {name: Future() for name in RESULT_TABLES}
    writing: list[Future[list[Path]]] = []
    pool = ThreadPoolExecutor(1, thread_name_prefix="gdindex-outputs")

    def ready(tables: dict[str, Blocks]) -> None:
        for name, make in tables.items():
            handed[name].set_result(make)
        if not writing:  # the first tables: begin the set, tables in hand first
            order = sorted(RESULT_TABLES, key=lambda n: not handed[n].done())
            makers = {n: _when_handed(handed[n]) for n in order}
            writing.append(
                pool.submit(_write, out, fmt, with_time, computed.result, makers)
            )

    try:
        try:
            result = compute(spec, ready=ready)
            if check is not None:
                check(result)
        except BaseException:
            abandoned = _AbandonedError("the computation failed")
            futures: list[Future[Any]] = [computed, *handed.values()]
            for future in futures:
                if not future.done():
                    future.set_exception(abandoned)
            if writing:
                writing[0].exception()  # wait until the unfinished set is removed
            raise
        for name, make in _table_makers(result).items():
            if not handed[name].done():
                handed[name].set_result(make)
        computed.set_result(result)
        if not writing:  # pragma: no cover - compute calls `ready` when it succeeds
            return result, write_outputs(result, out, fmt, with_time)
        return result, writing[0].result()
    finally:
        pool.shutdown()


def _when_handed(handed: Future[Blocks]) -> Blocks:
    """A table builder that waits until `compute` has handed the table over."""
    return lambda: handed.result()()


class _AbandonedError(RuntimeError):
    """The computation failed: the tables waiting for its result are not written."""


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _write(
    out: Path,
    fmt: str,
    with_time: bool,
    result: Callable[[], IndexResult],
    makers: dict[str, Blocks],
) -> list[Path]:
    """Write the tables `makers` build, in their order, and the manifest of
    `result()` as one set; return the files in `RESULT_TABLES` order."""
    # Each table is built (the long indicator table, the contributions, block by
    # block) and written in its own thread: Polars and NumPy release the GIL, so
    # building one overlaps writing another. The manifest, which counts their
    # rows, comes last.
    rows: dict[str, int] = {}
    writers: dict[str, Callable[[Path], None]] = {}
    for name, make in makers.items():
        writers[f"{name}.{fmt}"] = _frame_writer(name, make, rows, fmt)

    def write_manifest(path: Path) -> None:
        counted = {n: rows[n] for n in RESULT_TABLES}  # every table is written
        meta = manifest(result(), fmt=fmt, with_time=with_time, rows=counted)
        text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")

    writers["manifest.json"] = write_manifest
    # The set owns every result table in any format: a table an earlier run left
    # in another format is not carried over, so the directory holds one result set
    # (the manifest names the format).
    written = write_set(
        out,
        writers,
        Bilingual(f"the results to {out}", f"结果文件（{out}）"),
        owns=RESULT_FILES.__contains__,
        threads=3,
    )
    order = [f"{n}.{fmt}" for n in RESULT_TABLES] + ["manifest.json"]
    return sorted(written, key=lambda p: order.index(p.name))


#: Every file name a result set may have.
RESULT_FILES = frozenset(
    {f"{name}.{fmt}" for name in RESULT_TABLES for fmt in FORMATS} | {"manifest.json"}
)


def _frame_writer(
    name: str, make: Blocks, rows: dict[str, int], fmt: str
) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        rows[name] = write_frames(make(), path, fmt)

    return write


def _table_makers(result: IndexResult) -> dict[str, Blocks]:
    """How to build each table of `result_tables` (contract files first), as
    consecutive row blocks: the long ones are written without being held whole."""
    return {
        "scores": lambda: row_blocks(result.scores, BLOCK_ROWS),
        "indicators": result.indicator_blocks,
        "weights": lambda: [result.weights],
        "groups": lambda: [result.groups],
        "quadrants": lambda: [result.quadrants],
        "contributions": result.contribution_blocks,
        "cagr": lambda: [result.cagr],
    }
