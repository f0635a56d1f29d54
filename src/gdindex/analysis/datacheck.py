"""The data audit behind `gdindex check`: statistics and findings on the raw values.

Reads the spec's tables without raising on bad rows, then describes every indicator
(coverage, min, max, mean, sd, skewness, kurtosis, zeros, constant, outliers,
values outside the declared `bounds:`), every unit and every period (coverage), and
collects every problem as an `Issue`: the loader's data errors, the spec's warnings
and the audit's own findings. The statistics are those of the values as read, before
any preparation or direction. Everything is vectorised over the
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

from gdindex.errors import MAX_EXAMPLES, DataError, Issue, IssueLog
from gdindex.io import Dataset, json_records, load_data, write_frame, write_set
from gdindex.spec import IndexSpec, Period, WinsoriseSpec, check_spec, load_spec

LOW_COVERAGE = 0.5
"""An indicator, unit or period with values in less than this share of its cells."""
ZERO_HEAVY = 0.5
"""An indicator whose share of zero values is at least this."""
OUTLIER_SKEW = 2.0
"""Default |G1| threshold of the outlier rule (DESIGN §4.1) unless `treat:` sets it."""
OUTLIER_KURT = 3.5
"""Default G2 threshold of the outlier rule, unless `treat:` sets one."""

INDICATOR_COLUMNS = [
    "indicator",
    "name_zh",
    "name_en",
    "unit",
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
]
UNIT_COLUMNS = [
    "unit",
    "name_zh",
    "name_en",
    "n",
    "missing",
    "coverage",
    "empty_periods",
]
PERIOD_COLUMNS = ["period", "n", "missing", "coverage", "n_units", "n_indicators"]
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
            panel; `zeros_share` (share of the present values equal to 0);
            `constant` (two or more values, all equal); `outliers` (fails the outlier
            rule pooled); `outlier_periods` (periods whose column alone fails it);
            `lower`/`upper` (the declared bounds) and the counts of values
            `below_bound`/`above_bound` (null without bounds).
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


# --- Statistics --- #


def column_stats(x: np.ndarray) -> dict[str, np.ndarray]:
    """Statistics of each column of a 2-D array (rows are observations), NaN ignored.

    With `n` present values and central moments `m_k = Σ(x − mean)^k / n`:

    - `sd = sqrt(Σ(x − mean)² / (n − 1))` (NaN when n < 2);
    - `skew`: bias-corrected sample skewness `G1 = sqrt(n(n−1))/(n−2) · m3/m2^1.5`
      (NaN when n < 3);
    - `kurt`: bias-corrected excess kurtosis
      `G2 = (n−1)/((n−2)(n−3)) · ((n+1)·(m4/m2² − 3) + 6)` (NaN when n < 4);
    - `zeros_share`: the share of the present values equal to 0.

    These are `prepare.skew_kurt`'s G1 and G2, for every column at once. A constant
    column (at least two values, max = min) has sd 0 and NaN skew and kurt.

    Returns:
        Arrays of one value per column: `n`, `min`, `max`, `mean`, `sd`, `skew`,
        `kurt`, `zeros_share`, `constant` (bool).
    """
    present = ~np.isnan(x)
    n = present.sum(axis=0)
    nf = n.astype(np.float64)
    lo = np.where(present, x, np.inf).min(axis=0)
    hi = np.where(present, x, -np.inf).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=0) / nf
        d = np.where(present, x - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0) / nf
        m3 = (d2 * d).sum(axis=0) / nf
        m4 = (d2 * d2).sum(axis=0) / nf
        constant = (n >= 2) & (lo == hi)
        spread = (m2 > 0) & ~constant
        sd = np.where(n >= 2, np.sqrt(m2 * nf / (nf - 1)), np.nan)
        sd = np.where(constant, 0.0, sd)
        g1 = np.sqrt(nf * (nf - 1)) / (nf - 2) * m3 / m2**1.5
        g2 = (nf - 1) / ((nf - 2) * (nf - 3)) * ((nf + 1) * (m4 / (m2 * m2) - 3) + 6)
        zeros = (x == 0).sum(axis=0) / nf
    skew = np.where(spread & (n >= 3), g1, np.nan)
    kurt = np.where(spread & (n >= 4), g2, np.nan)
    empty = n == 0
    return {
        "n": n,
        "min": np.where(empty, np.nan, lo),
        "max": np.where(empty, np.nan, hi),
        "mean": np.where(empty, np.nan, mean),
        "sd": sd,
        "skew": skew,
        "kurt": kurt,
        "zeros_share": np.where(empty, np.nan, zeros),
        "constant": constant,
    }


def fails_outlier_rule(
    skew: np.ndarray, kurt: np.ndarray, skew_max: Any, kurt_max: Any
) -> np.ndarray:
    """True where `prepare.passes` would be False: `|G1| ≥ skew_max` and
    `G2 ≥ kurt_max`. Columns whose G1 or G2 cannot be computed pass."""
    with np.errstate(invalid="ignore"):
        return (np.abs(skew) >= skew_max) & (kurt >= kurt_max)


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
        log.extend(exc.issues or [Issue("data", str(exc))])
        return DataCheck(spec, *_empty_frames(spec), issues=log.issues)
    log.extend(dataset.issues)
    if not dataset.units or not dataset.periods:
        return DataCheck(spec, *_empty_frames(spec), issues=log.issues)
    indicators = _indicator_frame(spec, dataset, log)
    units, periods = _coverage_frames(spec, dataset, log)
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
    schema |= dict.fromkeys(["indicator", "name_zh", "name_en", "unit"], pl.String)
    schema |= dict.fromkeys(["in_tree", "constant", "outliers"], pl.Boolean)
    schema |= dict.fromkeys(["n", "missing", "below_bound", "above_bound"], pl.Int64)
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
    return schema


def _thresholds(spec: IndexSpec) -> tuple[np.ndarray, np.ndarray]:
    """The outlier rule's thresholds per indicator: its `treat: winsorise` ones or
    the defaults."""
    skew, kurt = [], []
    for ind in spec.indicators:
        treat = spec.treat_for(ind)
        if isinstance(treat, WinsoriseSpec):
            skew.append(treat.skew)
            kurt.append(treat.kurt)
        else:
            skew.append(OUTLIER_SKEW)
            kurt.append(OUTLIER_KURT)
    return np.array(skew), np.array(kurt)


def _indicator_frame(spec: IndexSpec, ds: Dataset, log: IssueLog) -> pl.DataFrame:
    values = ds.values
    n_units, n_periods, n_inds = values.shape
    cells = n_units * n_periods
    pooled = column_stats(values.reshape(cells, n_inds))
    # Each period's column alone: rows are units, columns are (period, indicator).
    per_period = column_stats(values.reshape(n_units, n_periods * n_inds))
    skew_max, kurt_max = _thresholds(spec)
    outliers = fails_outlier_rule(pooled["skew"], pooled["kurt"], skew_max, kurt_max)
    period_fails = fails_outlier_rule(
        per_period["skew"].reshape(n_periods, n_inds),
        per_period["kurt"].reshape(n_periods, n_inds),
        skew_max,
        kurt_max,
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
            "unit": [i.unit for i in spec.indicators],
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
        },
        schema=_indicator_schema(ds.period_dtype),
    )
    _indicator_issues(spec, ds, frame, log)
    return frame


def _num(value: float) -> str:
    """A value as written in a message: 120.5, 100, 1.5e+09."""
    return f"{value:.10g}"


def _pct(share: float) -> str:
    """A share as a percentage: 50%, 16.7% (never rounded up to a threshold)."""
    pct = 100 * share
    return f"{pct:.0f}%" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}%"


def _capped(shown: Sequence[str], total: int) -> str:
    """The examples shown, and how many more there are of `total`."""
    text = ", ".join(shown)
    if total > len(shown):
        text += f", … ({total - len(shown)} more)"
    return text


def _cells(ds: Dataset, column: np.ndarray, mask: np.ndarray) -> str:
    """`unit period = value` of the masked cells (unit order, then period order),
    capped at `MAX_EXAMPLES`."""
    u_idx, p_idx = np.nonzero(mask)
    shown = [
        f"{ds.units[u]} {ds.periods[p]} = {_num(float(column[u, p]))}"
        for u, p in zip(u_idx[:MAX_EXAMPLES], p_idx[:MAX_EXAMPLES], strict=True)
    ]
    return _capped(shown, len(u_idx))


def _indicator_issues(
    spec: IndexSpec, ds: Dataset, frame: pl.DataFrame, log: IssueLog
) -> None:
    """The audit's findings per indicator, in spec order."""
    skew_max, kurt_max = _thresholds(spec)
    for k, row in enumerate(frame.iter_rows(named=True)):
        ind = spec.indicators[k]
        where = f"data: indicator '{ind.id}'"
        column = ds.values[:, :, k]
        if ind.bounds is not None and (row["below_bound"] or row["above_bound"]):
            lo, hi = ind.bounds
            parts = []
            with np.errstate(invalid="ignore"):
                for count, label, mask in (
                    (row["above_bound"], f"above {_num(hi)}", column > hi),
                    (row["below_bound"], f"below {_num(lo)}", column < lo),
                ):
                    if count:
                        parts.append(f"{count} {label} ({_cells(ds, column, mask)})")
            log.error(
                where,
                f"values outside the declared bounds [{_num(lo)}, {_num(hi)}]: "
                + "; ".join(parts),
                "fix the values (another unit or scale, such as ‰ for % or a "
                "share of 1 for 100%? a sign or a typo?) or widen `bounds:` in "
                f"indicators[{k}]",
                "out-of-bounds",
            )
        n = row["n"]
        if n == 0:
            continue  # no data: the loader has reported it when it matters
        if row["constant"]:
            log.warn(
                where,
                f"constant: every value is {_num(row['min'])} ({n} value(s))",
                "a constant indicator cannot be normalised and tells the units "
                "apart by nothing: check the data or remove it from the tree",
                "constant-indicator",
            )
        if row["outliers"]:
            rule = (float(skew_max[k]), float(kurt_max[k]))
            log.warn(where, *_outlier_text(spec, ds, row, k, rule), "outliers")
        if row["coverage"] < LOW_COVERAGE:
            log.warn(
                where,
                f"only {_pct(row['coverage'])} of the unit × period cells have a "
                f"value ({n} of {n + row['missing']})",
                "find the missing data, impute it (`impute:`), or drop the "
                "indicator from the tree",
                "low-coverage",
            )
        if not row["constant"] and row["zeros_share"] >= ZERO_HEAVY:
            zeros = round(row["zeros_share"] * n)
            log.warn(
                where,
                f"{_pct(row['zeros_share'])} of its values are 0 ({zeros} of {n})",
                "if 0 stands for 'no data', leave those cells empty; zeros also "
                "rule out `treat: log` and a geometric mean of raw shares",
                "zero-heavy",
            )


def _outlier_text(
    spec: IndexSpec,
    ds: Dataset,
    row: dict[str, Any],
    k: int,
    rule: tuple[float, float],
) -> tuple[str, str]:
    skew_max, kurt_max = rule
    column = ds.values[:, :, k]
    at_max = row["skew"] >= 0
    u, p = np.unravel_index(
        int(np.nanargmax(column) if at_max else np.nanargmin(column)), column.shape
    )
    extreme = "largest" if at_max else "smallest"
    periods = row["outlier_periods"]
    in_periods = (
        "fails in periods " + ", ".join(str(p) for p in periods)
        if periods
        else "no single period fails on its own"
    )
    message = (
        f"outliers: skewness G1 = {row['skew']:.2f}, kurtosis G2 = "
        f"{row['kurt']:.2f} over the panel (it passes when |G1| < {_num(skew_max)} "
        f"or G2 < {_num(kurt_max)}); {in_periods}; {extreme} value "
        f"{_num(float(column[u, p]))} ({ds.units[u]}, {ds.periods[p]})"
    )
    treat = spec.treat_for(spec.indicators[k])
    if treat.method != "none":
        hint = f"`treat: {treat.method}` is set: the computation treats them"
    else:
        hint = (
            "check the extreme values; if they are real, set `treat: {method: "
            "winsorise}` for the indicator (or in defaults)"
        )
    return message, hint


def _coverage_frames(
    spec: IndexSpec, ds: Dataset, log: IssueLog
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Coverage of each unit and each period over the tree's indicators."""
    used = {node.id for node, _ in spec.tree.walk() if node.is_leaf}
    cols = [k for k, ind in enumerate(ds.indicators) if ind in used]
    present = ~np.isnan(ds.values[:, :, cols])  # [unit, period, tree indicator]
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
        },
        schema=_period_schema(ds.period_dtype),
    )
    if n_inds:
        _coverage_issues(units, periods, log)
    return units, periods


def _coverage_issues(units: pl.DataFrame, periods: pl.DataFrame, log: IssueLog) -> None:
    low = units.filter((pl.col("coverage") < LOW_COVERAGE) & (pl.col("n") > 0))
    low = low.sort("coverage", maintain_order=True)
    if low.height:
        shown = [
            f"{r['unit']} {r['name_zh']} ({_pct(r['coverage'])})"
            if r["name_zh"] != r["unit"]
            else f"{r['unit']} ({_pct(r['coverage'])})"
            for r in low.head(MAX_EXAMPLES).iter_rows(named=True)
        ]
        log.warn(
            "data: units",
            f"{low.height} unit(s) have values in less than {_pct(LOW_COVERAGE)} of "
            f"the cells of the tree's indicators: {_capped(shown, low.height)}",
            "find their data, or drop them with `screen: {min_coverage: …}`",
            "low-coverage-unit",
        )
    for r in periods.iter_rows(named=True):
        if 0 < r["n"] and r["coverage"] < LOW_COVERAGE:
            log.warn(
                f"data: period {r['period']!r}",
                f"only {_pct(r['coverage'])} of the unit × indicator cells have a "
                f"value ({r['n']} of {r['n'] + r['missing']})",
                "complete the period's data or remove it from `periods:`",
                "low-coverage-period",
            )


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
    return write_set(Path(out_dir), writers, f"the data check to {out_dir}")
