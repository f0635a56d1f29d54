"""The data audit behind `gdindex check`: statistics and findings per indicator,
unit and period.

Reads the spec's tables without raising on bad rows, then describes every indicator
(coverage, min, max, mean, sd, skewness, kurtosis, zeros, constant, outliers,
values outside the declared `bounds:`), every unit and every period (coverage), and
collects every problem as an `Issue`: the loader's data errors, the spec's warnings,
the preparation's warnings and the audit's own findings. The statistics are those
of the values as read (before any direction) and, where the spec prepares them
(denominator, imputation, screen), those of the prepared values the treatment and
the normaliser see: the outlier rule is applied to those, so `check` flags what
`compute` winsorises (`checkstats`). Everything is vectorised over the
`values[unit, period, indicator]` array. This module never prints; `report/check.py`
renders a `DataCheck` and `write_check` writes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis.checkfindings import (
    LOW_COVERAGE,
    ZERO_HEAVY,
    coverage_findings,
    indicator_findings,
)
from gdindex.analysis.checkstats import (
    OUTLIER_KURT,
    OUTLIER_SKEW,
    PreparedView,
    column_stats,
    fails_outlier_rule,
    outlier_thresholds,
    prepared_view,
)
from gdindex.errors import Bilingual, DataError, Issue, IssueLog
from gdindex.io import Dataset, json_records, load_data, write_frame, write_set
from gdindex.spec import IndexSpec, Period, check_spec, load_spec

__all__ = [
    "FILES",
    "INDICATOR_COLUMNS",
    "LOW_COVERAGE",
    "OUTLIER_KURT",
    "OUTLIER_SKEW",
    "ZERO_HEAVY",
    "DataCheck",
    "check_data",
    "column_stats",
    "fails_outlier_rule",
    "write_check",
]


INDICATOR_COLUMNS = [
    "indicator",
    "name_zh",
    "name_en",
    "unit",
    "unit_en",
    "in_tree",
    "n",
    "missing",
    "coverage",
    "min",
    "max",
    "mean",
    "sd",
    "skew",
    "kurt",
    "zeros_share",
    "constant",
    "outliers",
    "outlier_periods",
    "lower",
    "upper",
    "below_bound",
    "above_bound",
    "prepared_by",
    "prepared_min",
    "prepared_max",
    "prepared_mean",
    "prepared_sd",
    "prepared_skew",
    "prepared_kurt",
    "treated",
    "prepared_n",
    "prepared_missing",
]
PREPARED_STATS = ("min", "max", "mean", "sd", "skew", "kurt")
UNIT_COLUMNS = [
    "unit",
    "name_zh",
    "name_en",
    "n",
    "missing",
    "coverage",
    "empty_periods",
    "prepared_missing",
]
PERIOD_COLUMNS = [
    "period",
    "n",
    "missing",
    "coverage",
    "n_units",
    "n_indicators",
    "prepared_missing",
]
ISSUE_COLUMNS = ["severity", "code", "where", "message", "hint"]

FILES = (
    "check_indicators.csv",
    "check_units.csv",
    "check_periods.csv",
    "check_issues.csv",
    "check.json",
)


@dataclass
class DataCheck:
    """The result of `check_data`.

    Attributes:
        spec: the spec checked.
        indicators: one row per declared indicator, in spec order. `n` values
            present, `missing`, `coverage = n / (units · periods)`; `min`, `max`,
            `mean`, `sd` (n − 1), `skew` (G1), `kurt` (excess, G2) over the pooled
            panel of raw values; `zeros_share` (share of the present values equal
            to 0); `constant` (two or more values, all equal); `lower`/`upper` (the
            declared bounds) and the counts of raw values `below_bound`/
            `above_bound` (null without bounds). `prepared_by` names the steps
            that change the values before the treatment (`÷ population;
            imputed:group_mean (4)`; null: the raw values are used as read) and
            `prepared_min` … `prepared_kurt` are the statistics of those prepared
            values (equal to the raw ones when nothing prepares them). `outliers`
            (the prepared values fail the outlier rule: pooled, or in some period
            for `treat: {scope: period}`) and `outlier_periods` (periods whose
            prepared column alone fails it) are what `compute`'s treatment sees;
            `treated` counts the cells it winsorises or logs.
        units: one row per unit with data, in unit order: cells present (`n`),
            `missing`, `coverage` over the tree's indicators in all periods, and
            `empty_periods` (periods where the unit has no value at all).
        periods: one row per period, in time order: cells present, `missing`,
            `coverage` over units × the tree's indicators, `n_units` (units with at
            least one value) and `n_indicators` (indicators with at least one value).
        issues: every problem found: data errors from reading, spec warnings, then
            the audit's findings.
    """

    spec: IndexSpec
    indicators: pl.DataFrame
    units: pl.DataFrame
    periods: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed): exit code 0."""
        return not self.errors

    @property
    def issue_table(self) -> pl.DataFrame:
        """`severity, code, where, message, hint`: the issues as a frame."""
        rows = [i.to_dict() for i in self.issues]
        return pl.DataFrame(rows, schema=dict.fromkeys(ISSUE_COLUMNS, pl.String))

    def to_dict(self) -> dict[str, Any]:
        """The audit as JSON-ready data (NaN and ±inf → null)."""
        return {
            "spec": {"id": self.spec.id, "name": self.spec.name.model_dump()},
            "ok": self.ok,
            "counts": {
                "units": self.units.height,
                "periods": self.periods.height,
                "indicators": self.indicators.height,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "indicators": json_records(self.indicators),
            "units": json_records(self.units),
            "periods": json_records(self.periods),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialise `to_dict()` deterministically."""
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


# --- The audit --- #


def check_data(
    spec: IndexSpec | str | Path,
    data: pl.DataFrame | Sequence[pl.DataFrame] | None = None,
) -> DataCheck:
    """Audit the data of `spec` before computing; never raises on bad data.

    Args:
        spec: a spec (or the path of a spec file).
        data: optional in-memory tables replacing the spec's `data` entries in order.

    Returns:
        The statistics and every issue. Problems that stop a computation (duplicate
        rows, unknown units, unreadable cells, values outside `bounds:`, …) are
        errors; the rest (constant indicators, outliers, low coverage, many zeros)
        are warnings. A table that cannot be read at all leaves the frames empty.

    Raises:
        SpecError: only when `spec` is a path to an invalid spec.
    """
    if not isinstance(spec, IndexSpec):
        spec = load_spec(spec)
    frames = [data] if isinstance(data, pl.DataFrame) else data
    log = IssueLog(list(check_spec(spec)))
    try:
        dataset = load_data(spec, frames, strict=False)
    except DataError as exc:
        log.extend(
            exc.issues or [Issue("data", str(exc), message_zh=exc.headline("zh"))]
        )
        return DataCheck(spec, *_empty_frames(spec), issues=log.issues)
    log.extend(dataset.issues)
    notice = dataset.unused_notice()
    if notice is not None:
        log.extend([notice])
    if not dataset.units or not dataset.periods:
        return DataCheck(spec, *_empty_frames(spec), issues=log.issues)
    view = prepared_view(spec, dataset, log)
    indicators = _indicator_frame(spec, dataset, view, log)
    units, periods = _coverage_frames(spec, dataset, log, view.values)
    return DataCheck(spec, indicators, units, periods, log.issues)


def _period_dtype(periods: Sequence[Period] | None) -> pl.DataType:
    if periods and not all(isinstance(p, int) for p in periods):
        return pl.String()
    return pl.Int64()


def _empty_frames(spec: IndexSpec) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    ptype = _period_dtype(spec.periods)
    ind = pl.DataFrame(schema=_indicator_schema(ptype))
    units = pl.DataFrame(schema=_unit_schema(ptype))
    periods = pl.DataFrame(schema=_period_schema(ptype))
    return ind, units, periods


def _indicator_schema(ptype: pl.DataType) -> dict[str, Any]:
    schema: dict[str, Any] = dict.fromkeys(INDICATOR_COLUMNS, pl.Float64)
    schema |= dict.fromkeys(
        ["indicator", "name_zh", "name_en", "unit", "unit_en"], pl.String
    )
    schema |= dict.fromkeys(["in_tree", "constant", "outliers"], pl.Boolean)
    schema |= dict.fromkeys(["n", "missing", "below_bound", "above_bound"], pl.Int64)
    schema |= {"prepared_by": pl.String, "treated": pl.Int64}
    schema |= {"prepared_n": pl.Int64, "prepared_missing": pl.Int64}
    schema["outlier_periods"] = pl.List(ptype)
    return schema


def _period_schema(ptype: pl.DataType) -> dict[str, Any]:
    schema: dict[str, Any] = {"period": ptype}
    schema |= dict.fromkeys(PERIOD_COLUMNS[1:], pl.Int64)
    schema["coverage"] = pl.Float64
    return schema


def _unit_schema(ptype: pl.DataType) -> dict[str, Any]:
    schema: dict[str, Any] = dict.fromkeys(UNIT_COLUMNS, pl.String)
    schema |= {"n": pl.Int64, "missing": pl.Int64, "coverage": pl.Float64}
    schema["empty_periods"] = pl.List(ptype)
    schema["prepared_missing"] = pl.Int64
    return schema


def _indicator_frame(
    spec: IndexSpec, ds: Dataset, view: PreparedView, log: IssueLog
) -> pl.DataFrame:
    values = ds.values
    n_units, n_periods, n_inds = values.shape
    cells = n_units * n_periods
    pooled = column_stats(values.reshape(cells, n_inds))
    prepared = column_stats(view.values.reshape(cells, n_inds))
    # Each period's column alone: rows are units, columns are (period, indicator).
    per_period = column_stats(view.values.reshape(n_units, n_periods * n_inds))
    skew_max, kurt_max = outlier_thresholds(spec)
    period_fails = fails_outlier_rule(
        per_period["skew"].reshape(n_periods, n_inds),
        per_period["kurt"].reshape(n_periods, n_inds),
        skew_max,
        kurt_max,
    )
    # The rule on the values the treatment sees, over the rows it treats together.
    outliers = np.where(
        view.by_period,
        period_fails.any(axis=0),
        fails_outlier_rule(prepared["skew"], prepared["kurt"], skew_max, kurt_max),
    )
    lower = np.array([b[0] if (b := i.bounds) else np.nan for i in spec.indicators])
    upper = np.array([b[1] if (b := i.bounds) else np.nan for i in spec.indicators])
    has_bounds = np.array([i.bounds is not None for i in spec.indicators])
    with np.errstate(invalid="ignore"):
        below = (values < lower).sum(axis=(0, 1))
        above = (values > upper).sum(axis=(0, 1))
    used = {node.id for node, _ in spec.tree.walk() if node.is_leaf}
    n = pooled["n"]
    coverage = n / cells if cells else np.zeros(n_inds)
    frame = pl.DataFrame(
        {
            "indicator": [i.id for i in spec.indicators],
            "name_zh": [i.name.get("zh") for i in spec.indicators],
            "name_en": [i.name.get("en") for i in spec.indicators],
            "unit": [i.unit.get("zh") if i.unit else None for i in spec.indicators],
            "unit_en": [i.unit.get("en") if i.unit else None for i in spec.indicators],
            "in_tree": [i.id in used for i in spec.indicators],
            "n": n,
            "missing": cells - n,
            "coverage": coverage,
            "min": pooled["min"],
            "max": pooled["max"],
            "mean": pooled["mean"],
            "sd": pooled["sd"],
            "skew": pooled["skew"],
            "kurt": pooled["kurt"],
            "zeros_share": pooled["zeros_share"],
            "constant": pooled["constant"],
            "outliers": outliers,
            "outlier_periods": [
                [ds.periods[p] for p in np.flatnonzero(period_fails[:, i])]
                for i in range(n_inds)
            ],
            "lower": lower,
            "upper": upper,
            "below_bound": pl.Series(below).set(pl.Series(~has_bounds), None),
            "above_bound": pl.Series(above).set(pl.Series(~has_bounds), None),
            "prepared_by": view.prepared_by,
            **{f"prepared_{k}": prepared[k] for k in PREPARED_STATS},
            "treated": view.treated,
            "prepared_n": prepared["n"],
            "prepared_missing": cells - prepared["n"],
        },
        schema=_indicator_schema(ds.period_dtype),
    )
    indicator_findings(spec, ds, view, frame, log)
    return frame


def _coverage_frames(
    spec: IndexSpec, ds: Dataset, log: IssueLog, prepared: np.ndarray
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Coverage of each unit and each period over the tree's indicators; the
    `prepared_missing` cells are those missing after preparation (a zero or
    negative denominator leaves a cell missing, imputation fills some)."""
    used = {node.id for node, _ in spec.tree.walk() if node.is_leaf}
    cols = [k for k, ind in enumerate(ds.indicators) if ind in used]
    present = ~np.isnan(ds.values[:, :, cols])  # [unit, period, tree indicator]
    lost = np.isnan(prepared[:, :, cols])
    n_units, n_periods, n_inds = present.shape
    by_unit_period = present.sum(axis=2)
    unit_n = by_unit_period.sum(axis=1)
    unit_cells = n_periods * n_inds
    empty = by_unit_period == 0
    names = ds.unit_table.select("unit", "name_zh", "name_en")
    label = {r[0]: (r[1], r[2]) for r in names.iter_rows()}
    units = pl.DataFrame(
        {
            "unit": ds.units,
            "name_zh": [label.get(u, (u, u))[0] for u in ds.units],
            "name_en": [label.get(u, (u, u))[1] for u in ds.units],
            "n": unit_n,
            "missing": unit_cells - unit_n,
            "coverage": unit_n / unit_cells if unit_cells else np.zeros(n_units),
            "empty_periods": [
                [ds.periods[p] for p in np.flatnonzero(empty[u])]
                for u in range(n_units)
            ],
            "prepared_missing": lost.sum(axis=(1, 2)),
        },
        schema=_unit_schema(ds.period_dtype),
    )
    period_n = by_unit_period.sum(axis=0)
    period_cells = n_units * n_inds
    periods = pl.DataFrame(
        {
            "period": ds.periods,
            "n": period_n,
            "missing": period_cells - period_n,
            "coverage": period_n / period_cells
            if period_cells
            else np.zeros(n_periods),
            "n_units": (~empty).sum(axis=0),
            "n_indicators": present.any(axis=0).sum(axis=1),
            "prepared_missing": lost.sum(axis=(0, 2)),
        },
        schema=_period_schema(ds.period_dtype),
    )
    if n_inds:
        coverage_findings(units, periods, ds, log)
    return units, periods


# --- Files --- #


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns as `;`-joined text (empty lists as empty fields), for CSV."""
    return frame.with_columns(
        pl.when(pl.col(c).list.len() > 0)
        .then(pl.col(c).cast(pl.List(pl.String)).list.join(";"))
        .alias(c)
        for c, t in frame.schema.items()
        if isinstance(t, pl.List)
    )


def write_check(check: DataCheck, out_dir: str | Path) -> list[Path]:
    """Write the audit into `out_dir` atomically.

    Files: `check_indicators.csv`, `check_units.csv`, `check_periods.csv`,
    `check_issues.csv` (UTF-8, full float precision, missing values empty, list
    columns joined by `;`) and `check.json` (`to_json(indent=2)`). Re-running on the
    same inputs gives byte-identical files.

    Returns:
        The paths written, in the order above.
    """
    tables = {
        "check_indicators.csv": check.indicators,
        "check_units.csv": check.units,
        "check_periods.csv": check.periods,
        "check_issues.csv": check.issue_table,
    }

    def csv_writer(frame: pl.DataFrame) -> Any:
        return lambda path: write_frame(_flat(frame), path, "csv")

    def json_writer(path: Path) -> None:
        path.write_text(check.to_json(indent=2) + "\n", encoding="utf-8")

    writers = {name: csv_writer(frame) for name, frame in tables.items()}
    writers["check.json"] = json_writer
    what = Bilingual(f"the data check to {out_dir}", f"数据检查结果（{out_dir}）")
    return write_set(Path(out_dir), writers, what)
