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
from gdindex.errors import MAX_EXAMPLES, IssueLog, Words, plural
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


def _capped(shown: Sequence[str], total: int, lang: str = "en") -> str:
    """The examples shown, and how many more there are of `total`."""
    text = ", ".join(shown)
    if total > len(shown):
        more = total - len(shown)
        text += f", …（另 {more} 项）" if lang == "zh" else f", … ({more} more)"
    return text


def _cells(ds: Dataset, column: np.ndarray, mask: np.ndarray, lang: str = "en") -> str:
    """`unit period = value` of the masked cells (unit order, then period order),
    capped at `MAX_EXAMPLES`."""
    u_idx, p_idx = np.nonzero(mask)
    shown = [
        f"{ds.units[u]} {ds.periods[p]} = {_num(float(column[u, p]))}"
        for u, p in zip(u_idx[:MAX_EXAMPLES], p_idx[:MAX_EXAMPLES], strict=True)
    ]
    return _capped(shown, len(u_idx), lang)


def indicator_findings(
    spec: IndexSpec, ds: Dataset, view: PreparedView, frame: pl.DataFrame, log: IssueLog
) -> None:
    """The audit's findings per indicator, in spec order."""
    skew_max, kurt_max = outlier_thresholds(spec)
    for k, row in enumerate(frame.iter_rows(named=True)):
        ind = spec.indicators[k]
        where = f"data: indicator '{ind.id}'"
        where_zh = f"data：指标 '{ind.id}'"
        column = ds.values[:, :, k]
        if ind.bounds is not None and (row["below_bound"] or row["above_bound"]):
            lo, hi = ind.bounds
            parts, parts_zh = [], []
            with np.errstate(invalid="ignore"):
                for count, label, label_zh, mask in (
                    (row["above_bound"], f"above {_num(hi)}", "高于", column > hi),
                    (row["below_bound"], f"below {_num(lo)}", "低于", column < lo),
                ):
                    if count:
                        parts.append(f"{count} {label} ({_cells(ds, column, mask)})")
                        bound = _num(hi) if label_zh == "高于" else _num(lo)
                        parts_zh.append(
                            f"{count} 个{label_zh} {bound}"
                            f"（{_cells(ds, column, mask, 'zh')}）"
                        )
            log.error(
                where,
                f"values outside the declared bounds [{_num(lo)}, {_num(hi)}]: "
                + "; ".join(parts),
                "fix the values (another unit or scale, such as ‰ for % or a "
                "share of 1 for 100%? a sign or a typo?) or widen `bounds:` in "
                f"indicators[{k}]",
                "out-of-bounds",
                message_zh=f"有数值超出声明的范围 [{_num(lo)}, {_num(hi)}]："
                + "；".join(parts_zh),
                hint_zh="请更正这些数值（计量单位或量级不同，如把 % 写成了 ‰，或把 "
                "100% 写成了 1？符号或笔误？），或放宽 "
                f"indicators[{k}] 中的 `bounds:`",
                where_zh=where_zh,
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
                message_zh=f"为常数：所有数值均为 {_num(row['min'])}（共 {n} 个值）",
                hint_zh="常数指标无法标准化，也不能区分各地区：请检查数据，"
                "或把它从指标树中删除",
                where_zh=where_zh,
            )
        if row["outliers"]:
            rule = (float(skew_max[k]), float(kurt_max[k]))
            text = _outlier_text(spec, ds, view, row, k, rule)
            log.warn(
                where,
                text.message,
                text.hint,
                "outliers",
                message_zh=text.message_zh,
                hint_zh=text.hint_zh,
                where_zh=where_zh,
            )
        if row["coverage"] < LOW_COVERAGE and not derived:
            log.warn(
                where,
                f"only {_pct(row['coverage'])} of the unit × period cells have a "
                f"value ({n} of {n + row['missing']})",
                "find the missing data, impute it (`impute:`), or drop the "
                "indicator from the tree",
                "low-coverage",
                message_zh=f"地区 × 时期单元格中只有 {_pct(row['coverage'])} 有数值"
                f"（{n + row['missing']} 个中的 {n} 个）",
                hint_zh="请补齐缺失数据、做插补（`impute:`），或把该指标从指标树中删除",
                where_zh=where_zh,
            )
        if not row["constant"] and row["zeros_share"] >= ZERO_HEAVY:
            zeros = round(row["zeros_share"] * n)
            log.warn(
                where,
                f"{_pct(row['zeros_share'])} of its values are 0 ({zeros} of {n})",
                "if 0 stands for 'no data', leave those cells empty; zeros also "
                "rule out `treat: log` and a geometric mean of raw shares",
                "zero-heavy",
                message_zh=f"{_pct(row['zeros_share'])} 的数值为 0（{n} 个中的 "
                f"{zeros} 个）",
                hint_zh="如果 0 表示“无数据”，请把这些单元格留空；有 0 值时也不能用 "
                "`treat: log`，也不能对原始比重做几何平均",
                where_zh=where_zh,
            )


def _outlier_text(
    spec: IndexSpec,
    ds: Dataset,
    view: PreparedView,
    row: dict[str, Any],
    k: int,
    rule: tuple[float, float],
) -> Words:
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
    listed = ", ".join(str(p) for p in periods)
    in_periods = (
        "fails in periods " + listed if periods else "no single period fails on its own"
    )
    in_periods_zh = f"在时期 {listed} 不通过" if periods else "没有哪一个时期单独不通过"
    values = (
        f"the prepared values ({row['prepared_by']})"
        if row["prepared_by"]
        else "the raw values"
    )
    values_zh = (
        f"预处理后的数值（{row['prepared_by']}）" if row["prepared_by"] else "原始数值"
    )
    rule_at = f"|G1| < {_num(skew_max)}", f"G2 < {_num(kurt_max)}"
    passes = f"it passes when {rule_at[0]} or {rule_at[1]}"
    passes_zh = f"{rule_at[0]} 或 {rule_at[1]} 时通过"
    skew, kurt = f"{row['prepared_skew']:.2f}", f"{row['prepared_kurt']:.2f}"
    stats = f"skewness G1 = {skew}, kurtosis G2 = {kurt} over the panel"
    stats_zh = f"整个面板的偏度 G1 = {skew}，峰度 G2 = {kurt}"
    value, at = _num(float(column[u, p])), f"{ds.units[u]}, {ds.periods[p]}"
    where = f"{extreme} value {value} ({at})"
    where_zh = f"{'最大' if at_max else '最小'}值 {value}（{at}）"
    if by_period:
        message = (
            f"outliers in {values}, each period treated alone ({passes}): "
            f"{in_periods}; {where}; pooled, {stats}"
        )
        message_zh = (
            f"{values_zh}中有离群值，各时期分别检验（{passes_zh}）：{in_periods_zh}；"
            f"{where_zh}；合并后{stats_zh}"
        )
    else:
        message = f"outliers in {values}: {stats} ({passes}); {in_periods}; {where}"
        message_zh = (
            f"{values_zh}中有离群值：{stats_zh}（{passes_zh}）；{in_periods_zh}；"
            f"{where_zh}"
        )
    treat = spec.treat_for(spec.indicators[k])
    if treat.method != "none":
        hint = (
            f"`treat: {treat.method}` is set: the computation treats "
            f"{plural(row['treated'], 'value')}"
        )
        hint_zh = f"已设置 `treat: {treat.method}`：计算时将处理 {row['treated']} 个值"
    else:
        hint = (
            "check the extreme values; if they are real, set `treat: {method: "
            "winsorise}` for the indicator (or in defaults)"
        )
        hint_zh = (
            "请检查这些极端值；若数据属实，请为该指标（或在 defaults 中）设置 "
            "`treat: {method: winsorise}`"
        )
    return Words(message, hint, message_zh, hint_zh)


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
            message_zh=f"{low.height} 个地区在指标树各指标单元格中有数值的不足 "
            f"{_pct(LOW_COVERAGE)}：{_capped(shown, low.height, 'zh')}",
            hint_zh="请补齐它们的数据，或用 `screen: {min_coverage: …}` 将其剔除",
            where_zh="data：地区",
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
                message_zh=f"地区 × 指标单元格中只有 {_pct(r['coverage'])} 有数值"
                f"（{r['n'] + r['missing']} 个中的 {r['n']} 个）",
                hint_zh="请补齐该时期的数据，或把它从 `periods:` 中删除",
                where_zh=f"data：时期 {r['period']!r}",
            )
