"""Rich rendering of a data audit (`gdindex check`): it formats a `DataCheck` only.

Four tables with headers in the chosen language: the indicators (coverage, statistics
and flags), the units with the lowest coverage, the periods, and the issues (errors
first). Label columns never wrap, so CJK names keep their columns aligned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.analysis.datacheck import LOW_COVERAGE, ZERO_HEAVY, DataCheck
from gdindex.errors import Issue, plural
from gdindex.report.fit import Step, fit_table, left_out_note
from gdindex.report.terminal import unit_label

LABELS = {
    "title": {"zh": "数据检查", "en": "Data check"},
    "indicators": {"zh": "指标", "en": "Indicators"},
    "units": {"zh": "有缺失的单位", "en": "Units with missing values"},
    "periods": {"zh": "时期覆盖率", "en": "Period coverage"},
    "issues": {"zh": "问题", "en": "Issues"},
    "id": {"zh": "代码", "en": "ID"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "measure": {"zh": "单位", "en": "Unit"},
    "coverage": {"zh": "覆盖率", "en": "Coverage"},
    "min": {"zh": "最小值", "en": "Min"},
    "max": {"zh": "最大值", "en": "Max"},
    "mean": {"zh": "均值", "en": "Mean"},
    "sd": {"zh": "标准差", "en": "SD"},
    "skew": {"zh": "偏度", "en": "Skew"},
    "kurt": {"zh": "峰度", "en": "Kurt"},
    "zeros": {"zh": "零值", "en": "Zeros"},
    "flags": {"zh": "标记", "en": "Flags"},
    "unit": {"zh": "地区", "en": "Unit"},
    "missing": {"zh": "缺失", "en": "Missing"},
    "empty": {"zh": "无数据时期", "en": "Periods without data"},
    "period": {"zh": "时期", "en": "Period"},
    "n_units": {"zh": "有数据单位", "en": "Units with data"},
    "n_indicators": {"zh": "有数据指标", "en": "Indicators with data"},
    "severity": {"zh": "级别", "en": "Level"},
    "code": {"zh": "问题代码", "en": "Code"},
    "where": {"zh": "位置", "en": "Where"},
    "problem": {"zh": "问题", "en": "Problem"},
    "hint": {"zh": "建议", "en": "Hint"},
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "constant": {"zh": "常数", "en": "constant"},
    "outliers": {"zh": "离群值", "en": "outliers"},
    "bounds": {"zh": "越界", "en": "out of bounds"},
    "low": {"zh": "覆盖率低", "en": "low coverage"},
    "zero_heavy": {"zh": "零值多", "en": "many zeros"},
    "shown": {"zh": "显示覆盖率最低的 {k} 个", "en": "the lowest {k} shown"},
    "complete": {"zh": "每个单位都有全部数据", "en": "every unit has every value"},
    "prepared": {"zh": "↳ 预处理后", "en": "↳ prepared"},
    "treated": {"zh": "处理 {n} 个值", "en": "{n} treated"},
}


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def fmt_value(value: Any) -> str:
    """A statistic in a few characters: 0.125, 12.35, 1234.5, 1.23e+08, — (missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 1e7 or size < 0.01:
        return f"{value:.2e}"
    if size >= 100:
        return f"{value:.1f}"
    return f"{value:.3f}" if size < 1 else f"{value:.2f}"


def fmt_share(value: Any) -> str:
    """A share as a percentage: 83.3%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * value:.1f}%"


def _flags(row: dict[str, Any], lang: str) -> Text:
    text = Text()

    def add(label: str, style: str) -> None:
        if text:
            text.append(" ")
        text.append(label, style=style)

    bad = (row["below_bound"] or 0) + (row["above_bound"] or 0)
    if bad:
        add(f"{t('bounds', lang)} {bad}", "bold red")
    if row["constant"]:
        add(t("constant", lang), "yellow")
    if row["outliers"] and not row["prepared_by"]:
        add(t("outliers", lang), "yellow")
    if row["treated"] and not row["prepared_by"]:
        add(t("treated", lang).format(n=row["treated"]), "cyan")
    if row["n"] and row["coverage"] < LOW_COVERAGE:
        add(t("low", lang), "yellow")
    if row["n"] and not row["constant"] and row["zeros_share"] >= ZERO_HEAVY:
        add(t("zero_heavy", lang), "yellow")
    return text


def _prepared_flags(row: dict[str, Any], lang: str) -> Text:
    text = Text()
    if row["outliers"]:
        text.append(t("outliers", lang), style="yellow")
    if row["treated"]:
        text.append((" " if text else "") + t("treated", lang).format(n=row["treated"]))
    return text


def indicator_table(check: DataCheck, lang: str = "zh") -> Table:
    """One row per indicator: coverage, min, max, mean, sd, skew, kurt, zeros, flags
    of the raw values; below it, when the spec prepares the indicator (denominator,
    imputation, screen), a row with the statistics of the prepared values the
    treatment and the normaliser see, and the steps that made them."""
    table = Table(
        title=f"{t('indicators', lang)} ({check.indicators.height})",
        header_style="bold cyan",
        pad_edge=False,
    )
    # Names and units wrap before numbers shrink on a narrow terminal; ids never do.
    table.add_column(t("id", lang), no_wrap=True)
    for key in ("indicator", "measure"):
        header = t(key, lang)
        table.add_column(header, overflow="fold", min_width=cell_len(header))
    for key in ("coverage", "min", "max", "mean", "sd", "skew", "kurt", "zeros"):
        table.add_column(t(key, lang), justify="right", no_wrap=True)
    table.add_column(t("flags", lang))
    for row in check.indicators.iter_rows(named=True):
        table.add_row(
            row["indicator"],
            row[f"name_{lang}"] or "",
            (row["unit_en"] if lang == "en" else row["unit"]) or "",
            fmt_share(row["coverage"]),
            fmt_value(row["min"]),
            fmt_value(row["max"]),
            fmt_value(row["mean"]),
            fmt_value(row["sd"]),
            _fixed(row["skew"]),
            _fixed(row["kurt"]),
            fmt_share(row["zeros_share"]),
            _flags(row, lang),
        )
        if row["prepared_by"]:
            table.add_row(
                Text(t("prepared", lang), style="dim"),
                Text(row["prepared_by"], style="dim"),
                "",
                Text(fmt_share(_prepared_share(row)), style="dim"),
                *(
                    fmt_value(row[f"prepared_{k}"])
                    for k in ("min", "max", "mean", "sd")
                ),
                _fixed(row["prepared_skew"]),
                _fixed(row["prepared_kurt"]),
                "",
                _prepared_flags(row, lang),
            )
    return table


def _prepared_share(row: dict[str, Any]) -> float | None:
    cells = row["prepared_n"] + row["prepared_missing"]
    return row["prepared_n"] / cells if cells else None


def _missing(row: dict[str, Any]) -> str:
    """Missing cells, and after preparation when that differs (`0 → 2`)."""
    before, after = row["missing"], row["prepared_missing"]
    return str(before) if after == before else f"{before} → {after}"


def _fixed(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.2f}"


def unit_table(
    check: DataCheck, lang: str = "zh", limit: int | None = 20
) -> Table | None:
    """The units missing values, lowest coverage first, at most `limit` of them
    (None when every unit has every value)."""
    rows = check.units.with_row_index("_order").filter(
        (pl.col("missing") > 0) | (pl.col("prepared_missing") > 0)
    )
    rows = rows.sort(["coverage", "_order"])
    total = rows.height
    if total == 0:
        return None
    if limit is not None:
        rows = rows.head(limit)
    table = Table(
        title=f"{t('units', lang)} ({total})",
        caption=t("shown", lang).format(k=rows.height) if rows.height < total else None,
        header_style="bold cyan",
        pad_edge=False,
    )
    table.add_column(t("unit", lang), no_wrap=True)
    table.add_column(t("coverage", lang), justify="right")
    table.add_column(t("missing", lang), justify="right")
    table.add_column(t("empty", lang), no_wrap=True)
    for row in rows.iter_rows(named=True):
        table.add_row(
            unit_label(row, lang),
            fmt_share(row["coverage"]),
            _missing(row),
            ", ".join(str(p) for p in row["empty_periods"]),
        )
    return table


def period_table(check: DataCheck, lang: str = "zh") -> Table:
    """One row per period: coverage, missing cells, units and indicators with data."""
    table = Table(title=t("periods", lang), header_style="bold cyan", pad_edge=False)
    table.add_column(t("period", lang), no_wrap=True)
    table.add_column(t("coverage", lang), justify="right")
    table.add_column(t("missing", lang), justify="right")
    table.add_column(t("n_units", lang), justify="right")
    table.add_column(t("n_indicators", lang), justify="right")
    for row in check.periods.iter_rows(named=True):
        table.add_row(
            str(row["period"]),
            fmt_share(row["coverage"]),
            _missing(row),
            str(row["n_units"]),
            str(row["n_indicators"]),
        )
    return table


def issue_table(issues: Sequence[Issue], lang: str = "zh") -> Table:
    """Every issue, errors first (otherwise in the order found)."""
    ordered = sorted(issues, key=lambda i: i.severity != "error")
    table = Table(
        title=f"{t('issues', lang)} ({len(ordered)})",
        header_style="bold",
        pad_edge=False,
    )
    table.add_column(t("severity", lang), no_wrap=True)
    table.add_column(t("code", lang), no_wrap=True)
    table.add_column(t("where", lang), overflow="fold")  # folded, never cut
    table.add_column(t("problem", lang), ratio=3, overflow="fold")
    table.add_column(t("hint", lang), style="dim", ratio=2, overflow="fold")
    for issue in ordered:
        style = "red" if issue.severity == "error" else "yellow"
        shown = issue.in_lang(lang)
        table.add_row(
            Text(t(issue.severity, lang), style=style),
            issue.code,
            Text(shown.where),  # Text: brackets in paths are not markup
            Text(shown.message),
            Text(shown.hint or ""),
        )
    return table


def summary(check: DataCheck, lang: str = "zh") -> Text:
    """One line: the spec, the panel's shape and the count of errors and warnings."""
    name = check.spec.name.get(lang)
    n_u, n_p, n_i = check.units.height, check.periods.height, check.indicators.height
    n_e, n_w = len(check.errors), len(check.warnings)
    if lang == "zh":
        shape = f"{n_u} 个单位 × {n_p} 期 × {n_i} 个指标"
        counts = f"{n_e} 个错误，{n_w} 个警告"
    else:
        shape = f"{n_u} units × {n_p} periods × {n_i} indicators"
        counts = f"{plural(n_e, 'error')}, {plural(n_w, 'warning')}"
    line = Text(f"{t('title', lang)} · {name}: {shape}; ", style="bold")
    line.append(counts, style="bold red" if n_e else "yellow" if n_w else "green")
    return line


def _steps(lang: str) -> list[Step]:
    """How the indicator table narrows: names fold, the least needed statistics go."""
    groups = [["skew", "kurt"], ["zeros"], ["sd"], ["mean"], ["measure"]]
    dropped: list[Step] = [
        ("/".join(t(k, lang) for k in g), [t(k, lang) for k in g]) for g in groups
    ]
    return [32, *dropped[:2], 20, *dropped[2:]]


def render_check(
    check: DataCheck,
    console: Console,
    lang: str = "zh",
    max_units: int | None = 20,
    wide: bool = False,
) -> None:
    """Print the audit: indicators, units, periods, issues, then the summary line.

    On a narrow terminal text columns fold and the least needed statistics are
    left out (a line says which) rather than cut.
    """
    left: list[str] = []
    if check.indicators.height:
        table = indicator_table(check, lang)
        left += fit_table(console, table, _steps(lang), wide)
        console.print(table)
    if check.units.height:
        units = unit_table(check, lang, max_units)
        if units is None:
            console.print(Text(t("complete", lang), style="green"))
        else:
            fit_table(console, units, [], wide)
            console.print(units)
    if check.periods.height:
        console.print(period_table(check, lang))
    if check.issues:
        console.print(issue_table(check.issues, lang))  # wraps at word boundaries
    note = left_out_note(left, console.width, lang)
    if note is not None:
        console.print(note)
    console.print(summary(check, lang))
