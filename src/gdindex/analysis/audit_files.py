"""The files of an audit (DESIGN §9.1): `audit_*.csv` and `audit.json`, written
atomically and byte-identically on re-run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import polars as pl

from gdindex.errors import Bilingual
from gdindex.io import write_frame, write_set


class AuditResult(Protocol):
    """What the files are written from (`gdindex.analysis.audit.AuditResult`)."""

    correlations: pl.DataFrame
    cronbach: pl.DataFrame
    pca: pl.DataFrame
    importance: pl.DataFrame
    flags: pl.DataFrame

    def to_json(self, indent: int | None = None) -> str: ...


FILES = (
    "audit_correlations.csv",
    "audit_cronbach.csv",
    "audit_pca.csv",
    "audit_importance.csv",
    "audit_flags.csv",
    "audit.json",
)


# --------------------------------------------------------------------------- files


def write_audit(result: AuditResult, out_dir: str | Path) -> list[Path]:
    """Write the §9.1 files (`audit_*.csv`, `audit.json`) into `out_dir` atomically;
    the same audit gives byte-identical files.

    Raises:
        OutputError: the directory cannot be written.
    """
    frames = {
        "audit_correlations.csv": result.correlations,
        "audit_cronbach.csv": result.cronbach,
        "audit_pca.csv": result.pca,
        "audit_importance.csv": result.importance,
        "audit_flags.csv": result.flags,
    }
    writers: dict[str, Callable[[Path], None]] = {
        name: _csv_writer(frame) for name, frame in frames.items()
    }
    writers["audit.json"] = _text_writer(result.to_json(indent=2) + "\n")
    what = Bilingual(f"the audit to {out_dir}", f"审计结果（{out_dir}）")
    return write_set(Path(out_dir), writers, what, owns=FILES.__contains__)


def _csv_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        write_frame(frame, path, "csv")

    return write


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return write
