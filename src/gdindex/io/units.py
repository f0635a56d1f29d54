"""Reading the units table (`units:` of the spec) into the unit frame.

Owns the unit id, name, group, group-weight and denominator columns of the units
table, and their checks (empty or duplicate ids, bad group weights). It never reads
the data tables or aligns the dataset.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from gdindex.errors import IssueLog, examples
from gdindex.io.headers import missing_columns
from gdindex.io.numeric import parse_numbers, sha256_of, unread_hint
from gdindex.io.tables import InputFile, first_row, read_table
from gdindex.spec import IndexSpec, UnitsSpec


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
    if not missing_columns(frame, wanted, where, log):
        return None, None
    first = first_row(encoding, units.skip_rows)
    out = _units_frame(frame, units, where, log, first)
    for name in sorted(denominator_names(spec)):
        if name in frame.columns and name != units.id:
            values, bad = parse_numbers(frame[name], decimal=units.decimal)
            idx = np.flatnonzero(bad.to_numpy())
            if len(idx):
                log.error(
                    f"{where}: column '{name}'",
                    "denominator cells that are not numbers in rows "
                    f"{examples((idx + first).tolist())}: "
                    f"{examples(frame[name].gather(idx).to_list())}",
                    unread_hint(frame[name].gather(idx).to_list(), units.decimal),
                    "non-numeric",
                )
            out = out.with_columns(values.alias(f"den:{name}"))
    info = InputFile("units", path, sha256_of(path), encoding, frame.height)
    return out, info


def denominator_names(spec: IndexSpec) -> set[str]:
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
        weights, bad = parse_numbers(frame[units.group_weight], decimal=units.decimal)
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
