"""The findings of `gdindex check`: what its statistics say is wrong, as issues.

Owns the audit's messages per indicator (values outside `bounds:`, constant,
outliers in the values the treatment sees, low coverage, many zeros) and per unit
and period (low coverage), each naming cells and a fix. Findings that only follow
from rows or cells an error already took out of the tables are not reported. It
never computes statistics (`checkstats`) or builds the frames (`datacheck`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis.checkstats import PreparedView, outlier_thresholds
from gdindex.errors import MAX_EXAMPLES, IssueLog, plural
from gdindex.io import Dataset
from gdindex.spec import IndexSpec

LOW_COVERAGE = 0.5
"""An indicator, unit or period with values in less than this share of its cells."""
ZERO_HEAVY = 0.5
"""An indicator whose share of zero values is at least this."""


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


def indicator_findings(
    spec: IndexSpec, ds: Dataset, view: PreparedView, frame: pl.DataFrame, log: IssueLog
) -> None:
    """The audit's findings per indicator, in spec order."""
    skew_max, kurt_max = outlier_thresholds(spec)
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
        # values an error took out may hold the variation (dropped rows, bad cells)
        derived = ds.rejected.rows_dropped() or ind.id in ds.rejected.indicators
        if row["constant"] and not derived:
            log.warn(
                where,
                f"constant: every value is {_num(row['min'])} ({plural(n, 'value')})",
                "a constant indicator cannot be normalised and tells the units "
                "apart by nothing: check the data or remove it from the tree",
                "constant-indicator",
            )
        if row["outliers"]:
            rule = (float(skew_max[k]), float(kurt_max[k]))
            log.warn(where, *_outlier_text(spec, ds, view, row, k, rule), "outliers")
        if row["coverage"] < LOW_COVERAGE and not derived:
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
    view: PreparedView,
    row: dict[str, Any],
    k: int,
    rule: tuple[float, float],
) -> tuple[str, str]:
    skew_max, kurt_max = rule
    column = view.values[:, :, k]
    periods = row["outlier_periods"]
    by_period = bool(view.by_period[k])
    if by_period:  # the extreme of the failing periods' columns
        keep = np.isin(np.asarray(ds.periods, dtype=object), periods)
        column = np.where(keep[None, :], column, np.nan)
    at_max = row["prepared_skew"] >= 0 or np.isnan(row["prepared_skew"])
    u, p = np.unravel_index(
        int(np.nanargmax(column) if at_max else np.nanargmin(column)), column.shape
    )
    extreme = "largest" if at_max else "smallest"
    in_periods = (
        "fails in periods " + ", ".join(str(p) for p in periods)
        if periods
        else "no single period fails on its own"
    )
    values = (
        f"the prepared values ({row['prepared_by']})"
        if row["prepared_by"]
        else "the raw values"
    )
    passes = f"it passes when |G1| < {_num(skew_max)} or G2 < {_num(kurt_max)}"
    stats = (
        f"skewness G1 = {row['prepared_skew']:.2f}, kurtosis G2 = "
        f"{row['prepared_kurt']:.2f} over the panel"
    )
    where = (
        f"{extreme} value {_num(float(column[u, p]))} ({ds.units[u]}, {ds.periods[p]})"
    )
    if by_period:
        message = (
            f"outliers in {values}, each period treated alone ({passes}): "
            f"{in_periods}; {where}; pooled, {stats}"
        )
    else:
        message = f"outliers in {values}: {stats} ({passes}); {in_periods}; {where}"
    treat = spec.treat_for(spec.indicators[k])
    if treat.method != "none":
        hint = (
            f"`treat: {treat.method}` is set: the computation treats "
            f"{plural(row['treated'], 'value')}"
        )
    else:
        hint = (
            "check the extreme values; if they are real, set `treat: {method: "
            "winsorise}` for the indicator (or in defaults)"
        )
    return message, hint


def coverage_findings(
    units: pl.DataFrame, periods: pl.DataFrame, ds: Dataset, log: IssueLog
) -> None:
    """Low coverage of units and periods, except where rows an error took out of
    the tables are the cause (that error is the finding)."""
    low = units.filter((pl.col("coverage") < LOW_COVERAGE) & (pl.col("n") > 0))
    # a unit whose cells an error rejected: that error is the finding
    low = low.filter(
        pl.Series(
            [not ds.rejected.touches_unit(u) for u in low["unit"].to_list()],
            dtype=pl.Boolean,
        )
    )
    low = low.sort("coverage", maintain_order=True)
    if low.height and not ds.rejected.periods:
        shown = [
            f"{r['unit']} {r['name_zh']} ({_pct(r['coverage'])})"
            if r["name_zh"] != r["unit"]
            else f"{r['unit']} ({_pct(r['coverage'])})"
            for r in low.head(MAX_EXAMPLES).iter_rows(named=True)
        ]
        log.warn(
            "data: units",
            f"{plural(low.height, 'unit')} "
            f"{'has' if low.height == 1 else 'have'} values in less than "
            f"{_pct(LOW_COVERAGE)} of "
            f"the cells of the tree's indicators: {_capped(shown, low.height)}",
            "find their data, or drop them with `screen: {min_coverage: …}`",
            "low-coverage-unit",
        )
    for r in periods.iter_rows(named=True):
        if ds.rejected.touches_period(r["period"]):
            continue
        if 0 < r["n"] and r["coverage"] < LOW_COVERAGE:
            log.warn(
                f"data: period {r['period']!r}",
                f"only {_pct(r['coverage'])} of the unit × indicator cells have a "
                f"value ({r['n']} of {r['n'] + r['missing']})",
                "complete the period's data or remove it from `periods:`",
                "low-coverage-period",
            )
