"""Result files (DESIGN §6): scores, indicators, weights, groups, manifest.

Files are written atomically and are byte-identical for identical inputs: rows are
in a fixed order, floats are written at full precision, and the manifest holds no
time unless asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from gdindex.errors import Bilingual
from gdindex.io import write_frame, write_set
from gdindex.pipeline.result import IndexResult
from gdindex.version import __version__

FORMATS = ("csv", "parquet", "json")
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
) -> dict[str, Any]:
    """What was computed from what: version, spec and input hashes, methods, rows."""
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
        "rows": {name: t.height for name, t in (tables or {}).items()},
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
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    # Each table is built (the long indicator table, the contributions) and
    # written in its own thread: Polars and NumPy release the GIL, so building one
    # overlaps writing another. The manifest, which counts their rows, comes last.
    built: dict[str, pl.DataFrame] = {}
    makers = _table_makers(result)
    writers: dict[str, Callable[[Path], None]] = {}
    for name, make in makers.items():
        writers[f"{name}.{fmt}"] = _frame_writer(name, make, built, fmt)

    def write_manifest(path: Path) -> None:
        tables = {n: built[n] if n in built else makers[n]() for n in makers}
        meta = manifest(result, tables, fmt, with_time)
        text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")

    writers["manifest.json"] = write_manifest
    out = Path(out_dir)
    # The set owns every result table in any format: a table an earlier run left
    # in another format is not carried over, so the directory holds one result set
    # (the manifest names the format).
    return write_set(
        out,
        writers,
        Bilingual(f"the results to {out}", f"结果文件（{out}）"),
        owns=RESULT_FILES.__contains__,
        threads=3,
    )


#: Every file name a result set may have.
RESULT_FILES = frozenset(
    {f"{name}.{fmt}" for name in RESULT_TABLES for fmt in FORMATS} | {"manifest.json"}
)


def _frame_writer(
    name: str,
    make: Callable[[], pl.DataFrame],
    built: dict[str, pl.DataFrame],
    fmt: str,
) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        built[name] = frame = make()
        write_frame(frame, path, fmt)

    return write


def _table_makers(result: IndexResult) -> dict[str, Callable[[], pl.DataFrame]]:
    """How to build each table of `result_tables` (contract files first)."""
    return {
        "scores": lambda: result.scores,
        "indicators": result.indicator_table,
        "weights": lambda: result.weights,
        "groups": lambda: result.groups,
        "quadrants": lambda: result.quadrants,
        "contributions": lambda: result.contributions,
        "cagr": lambda: result.cagr,
    }
