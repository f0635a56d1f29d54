"""Rich terminal reports: the ranked table, group summary, warnings and errors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl
from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gdindex.errors import GdindexError, Issue
from gdindex.methods.growth import QUADRANTS
from gdindex.pipeline import IndexResult
from gdindex.spec import Period

LABELS = {
    "rank": {"zh": "排名", "en": "Rank"},
    "change": {"zh": "变动", "en": "Δ"},
    "unit": {"zh": "地区", "en": "Unit"},
    "score": {"zh": "指数", "en": "Score"},
    "growth": {"zh": "增速%", "en": "Growth %"},
    "quadrant": {"zh": "象限", "en": "Quadrant"},
    "group": {"zh": "分组", "en": "Group"},
    "n": {"zh": "数量", "en": "N"},
    "period": {"zh": "时期", "en": "Period"},
    "warnings": {"zh": "提示", "en": "Warnings"},
    "units": {"zh": "个单位", "en": "units"},
    "vs": {"zh": "较上期", "en": "vs previous period"},
    "groups": {"zh": "分组汇总", "en": "Group summary"},
    "preparation": {"zh": "数据预处理", "en": "Data preparation"},
    "step": {"zh": "步骤", "en": "Step"},
    "method": {"zh": "方法", "en": "Method"},
    "cells": {"zh": "单元格", "en": "Cells"},
    "indicators": {"zh": "指标数", "en": "Indicators"},
    "where": {"zh": "位置（示例）", "en": "Where (first cells)"},
    "denominate": {"zh": "分母折算", "en": "Denominate"},
    "impute": {"zh": "缺失插补", "en": "Impute"},
    "screen": {"zh": "样本筛选", "en": "Screen"},
    "treat": {"zh": "异常值处理", "en": "Treat outliers"},
    "severity": {"zh": "级别", "en": "Level"},
    "problem": {"zh": "问题", "en": "Problem"},
    "hint": {"zh": "建议", "en": "Hint"},
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
}


#: Bilingual names of every method: normalisers, aggregators, weighting schemes
#: and preparation steps.
METHOD_NAMES: dict[str, dict[str, str]] = {
    "minmax": {"zh": "极差标准化", "en": "min–max"},
    "zscore": {"zh": "Z 分数标准化", "en": "z-score"},
    "target": {"zh": "目标值法", "en": "distance to target"},
    "goalposts": {"zh": "固定阈值法", "en": "goalposts"},
    "rank": {"zh": "排序法", "en": "rank"},
    "percentile": {"zh": "百分位法", "en": "percentile"},
    "ratio": {"zh": "比值法", "en": "ratio"},
    "vector": {"zh": "向量归一化", "en": "vector"},
    "arithmetic": {"zh": "算术加权平均", "en": "weighted arithmetic mean"},
    "geometric": {"zh": "几何加权平均", "en": "weighted geometric mean"},
    "harmonic": {"zh": "调和加权平均", "en": "weighted harmonic mean"},
    "power_mean": {"zh": "幂平均", "en": "power mean"},
    "topsis": {"zh": "TOPSIS", "en": "TOPSIS"},
    "explicit": {"zh": "指定权重", "en": "explicit"},
    "equal": {"zh": "等权", "en": "equal"},
    "entropy": {"zh": "熵权法", "en": "entropy"},
    "cv": {"zh": "变异系数法", "en": "coefficient of variation"},
    "critic": {"zh": "CRITIC 法", "en": "CRITIC"},
    "pca": {"zh": "主成分法", "en": "PCA"},
    "sd": {"zh": "标准差法", "en": "standard deviation"},
    "ahp": {"zh": "层次分析法", "en": "AHP"},
    "denominate": {"zh": "分母折算", "en": "denominate"},
    "impute": {"zh": "缺失插补", "en": "impute"},
    "screen": {"zh": "样本筛选", "en": "screen"},
    "treat": {"zh": "异常值处理", "en": "treat outliers"},
}


def method_name(method: str, lang: str) -> str:
    """`熵权法`-style name of a method (`a + b` for combined weights)."""
    parts = []
    for m in method.split("+"):
        names = METHOD_NAMES.get(m)
        parts.append(names[lang] if names else m)
    return " + ".join(parts)


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def _no_negative_zero(value: Any, digits: int) -> Any:
    """0.0 for a value that prints as zero (so never `-0.00`)."""
    return 0.0 if round(value, digits) == 0 else value


def fmt_num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{_no_negative_zero(value, digits):.{digits}f}"


def fmt_growth(value: Any, digits: int = 2) -> Text:
    """`+2.76` green, `-1.20` red, `0.00` plain (never `-0.00`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Text("—", style="dim")
    value = _no_negative_zero(value, digits)
    if value == 0:
        return Text(f"{0.0:.{digits}f}")
    style = "green" if value > 0 else "red"
    return Text(f"{value:+.{digits}f}", style=style)


def fmt_rank_change(value: Any) -> Text:
    if value is None:
        return Text("")
    if value > 0:
        return Text(f"▲{value}", style="green")
    if value < 0:
        return Text(f"▼{-value}", style="red")
    return Text("–", style="dim")


def unit_label(row: dict[str, Any], lang: str, both: bool = True) -> str:
    """`深圳 Shenzhen` (zh) / `Shenzhen 深圳` (en); the `lang` name alone when not
    `both` (or the other one when `lang`'s is missing)."""
    zh, en = row.get("name_zh") or "", row.get("name_en") or ""
    if zh == en or not en:
        return zh or en
    if not zh:
        return en
    if not both:
        return zh if lang == "zh" else en
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


def node_label(result: IndexResult, node_id: str, lang: str) -> str:
    """A node's name in `lang`."""
    for node in result.nodes:
        if node.id == node_id:
            return node.name_zh if lang == "zh" else node.name_en
    return node_id


def ranking_table(
    result: IndexResult,
    period: Period,
    lang: str = "zh",
    top: int | None = None,
    *,
    wide_headers: bool = True,
    pillar_ranks: bool = True,
    other_names: bool = True,
    long_headers: bool = True,
    pillars: bool = True,
) -> Table:
    """The ranked index table of one period with pillar scores and quadrants.

    The keywords leave parts out for a narrow terminal (`fitted_ranking`).
    """
    root = result.nodes[0]
    columns = [n for n in result.nodes if n.depth == 1 and n.kind != "indicator"]
    if not columns:
        columns = [n for n in result.nodes if n.depth == 1]
    if not pillars:
        columns = []
    scores = result.scores.filter(pl.col("period") == period)
    index_rows = scores.filter(pl.col("node") == root.id)
    units = result.units.select("unit", "name_zh", "name_en")
    table_rows = (
        index_rows.join(units, on="unit", how="left")
        .with_columns(pl.col("rank").fill_null(10**9).alias("_r"))
        .sort(["_r", "unit"])
    )
    by_node = {
        p.id: {r["unit"]: r for r in scores.filter(pl.col("node") == p.id).to_dicts()}
        for p in columns
    }
    quads = {
        r["unit"]: r["quadrant"]
        for r in result.quadrants.filter(
            (pl.col("period") == period) & (pl.col("node") == root.id)
        ).to_dicts()
    }
    has_growth = result.periods.index(period) > 0
    title = f"{result.spec.name.get(lang)} · {period}"
    table = Table(
        title=title,
        title_style="bold",
        header_style="bold cyan",
        show_lines=False,
        pad_edge=False,
    )
    table.add_column(t("rank", lang), justify="right")
    if has_growth:
        table.add_column(t("change", lang), justify="left")
    table.add_column(t("unit", lang), no_wrap=True)
    header = node_label(result, root.id, lang) if long_headers else t("score", lang)
    table.add_column(header, justify="right", style="bold", no_wrap=True)
    if has_growth:
        table.add_column(t("growth", lang), justify="right", no_wrap=True)
    for p in columns:
        name = p.name_zh if lang == "zh" else p.name_en
        _pillar_column(
            table, name, long_headers and wide_headers, 10 if pillar_ranks else 6
        )
    if has_growth:
        table.add_column(t("quadrant", lang), no_wrap=True)
    rows = table_rows.to_dicts()
    if top is not None:
        rows = rows[:top]
    for row in rows:
        cells: list[Any] = [str(row["rank"]) if row["rank"] is not None else "—"]
        if has_growth:
            cells.append(fmt_rank_change(row["rank_change"]))
        cells += [unit_label(row, lang, other_names), fmt_num(row["score"])]
        if has_growth:
            cells.append(fmt_growth(row["growth_pct"]))
        for p in columns:
            pr = by_node[p.id].get(row["unit"], {})
            score, rank = pr.get("score"), pr.get("rank")
            cells.append(
                f"{fmt_num(score, 1)} ({rank})"
                if rank is not None and pillar_ranks
                else fmt_num(score, 1)
            )
        if has_growth:
            quad = quads.get(row["unit"])
            cells.append(QUADRANTS[quad][lang] if quad else "")
        table.add_row(*cells)
    return table


def _pillar_column(
    table: Table, name: str, long_header: bool = True, cells: int = 6
) -> None:
    """A right-aligned score column; a short header wraps at the name's spaces
    (the column keeps the width of its `cells`)."""
    words = max((cell_len(w) for w in name.split()), default=1)
    table.add_column(
        name, justify="right", max_width=None if long_header else max(words, cells)
    )


#: The parts `fitted_ranking` leaves out, least needed first.
RANKING_STEPS = (
    "wide_headers",
    "pillar_ranks",
    "other_names",
    "long_headers",
    "pillars",
)
#: Steps that change only how headers look, not what is shown.
_LOOKS = ("wide_headers", "long_headers")


def fitted_ranking(
    result: IndexResult,
    period: Period,
    console: Console,
    lang: str = "zh",
    top: int | None = None,
    wide: bool = False,
) -> tuple[Table, list[str]]:
    """The ranking table with as much as fits `console`'s width, and what was left
    out (keys of `RANKING_STEPS`): first long pillar names wrap in their headers;
    then the pillar ranks go, then the other language's names,
    then the index's long name in the header (`指数` / `Score` instead), then the
    pillar scores; the rank, unit, score, growth and quadrant stay."""
    from gdindex.report.fit import fits, fold_text_columns

    left: list[str] = []
    table = ranking_table(result, period, lang, top)
    if wide or fits(console, table):
        return table, left
    keep = dict.fromkeys(RANKING_STEPS, True)
    for step in RANKING_STEPS:
        keep[step] = False
        left.append(step)
        table = ranking_table(result, period, lang, top, **keep)
        if fits(console, table):
            break
    else:
        fold_text_columns(table)
    return table, left


def group_tables(
    result: IndexResult,
    period: Period,
    lang: str = "zh",
    left: Sequence[str] = (),
) -> list[Table]:
    """One table per grouping column: mean score and growth of each group (without
    the parts the ranking table left out: `fitted_ranking`)."""
    spec_units = result.spec.units
    if spec_units is None or result.groups.height == 0:
        return []
    root = result.nodes[0]
    pillars = [n for n in result.nodes if n.depth == 1 and n.kind != "indicator"]
    if "pillars" in left:
        pillars = []
    has_growth = result.periods.index(period) > 0
    tables = []
    rows = result.groups.filter(pl.col("period") == period)
    for g in spec_units.groups:
        sub = rows.filter(pl.col("group_by") == g.column)
        if sub.height == 0:
            continue
        table = Table(
            title=f"{t('groups', lang)} · {g.title(lang)}",
            header_style="bold cyan",
            pad_edge=False,
        )
        table.add_column(t("group", lang), no_wrap=True)
        table.add_column(t("n", lang), justify="right")
        long = "long_headers" not in left
        table.add_column(
            node_label(result, root.id, lang) if long else t("score", lang),
            justify="right",
            style="bold",
            no_wrap=True,
        )
        if has_growth:
            table.add_column(t("growth", lang), justify="right", no_wrap=True)
        for p in pillars:
            _pillar_column(table, p.name_zh if lang == "zh" else p.name_en, long)
        for group in dict.fromkeys(sub["group"].to_list()):
            cells = {
                r["node"]: r for r in sub.filter(pl.col("group") == group).to_dicts()
            }
            head = cells.get(root.id, {})
            label = g.label(group, lang)
            other = g.label(group, "en" if lang == "zh" else "zh")
            if other != label and "other_names" not in left:
                label = f"{label} {other}"
            cells_out: list[Any] = [
                label,
                str(head.get("n_units", "")),
                fmt_num(head.get("score")),
            ]
            if has_growth:
                cells_out.append(fmt_growth(head.get("growth_pct")))
            cells_out += [fmt_num(cells.get(p.id, {}).get("score"), 1) for p in pillars]
            table.add_row(*cells_out)
        tables.append(table)
    return tables


def preparation_table(result: IndexResult, lang: str = "zh") -> Table | None:
    """One row per preparation step: methods, cells touched, where (None if none).

    `where` names the first cells as `unit period indicator`.
    """
    steps = result.preparation
    if steps.height == 0:
        return None
    table = Table(
        title=t("preparation", lang), header_style="bold cyan", pad_edge=False
    )
    table.add_column(t("step", lang), no_wrap=True)
    table.add_column(t("method", lang), overflow="fold")
    table.add_column(t("indicators", lang), justify="right")
    table.add_column(t("cells", lang), justify="right", style="bold")
    table.add_column(t("where", lang), overflow="fold")
    name_col = "name_zh" if lang == "zh" else "name_en"
    names = (
        dict(zip(result.units["unit"], result.units[name_col], strict=True))
        if name_col in result.units.columns
        else {}
    )
    for step in ("denominate", "impute", "screen", "treat"):
        rows = steps.filter(pl.col("step") == step)
        if rows.height == 0:
            continue
        methods = sorted(set(rows["method"].to_list()))
        indicators = rows.filter(pl.col("cells") > 0)["indicator"].drop_nulls()
        where: list[str] = []
        for r in rows.filter(pl.col("cells") > 0).iter_rows(named=True):
            for cell in (r["where"] or "").split("; "):
                if cell and len(where) < 3:
                    unit, _, rest = cell.partition(" ")
                    text = f"{names.get(unit, unit)} {rest} {r['indicator'] or ''}"
                    where.append(text.strip())
        total = int(rows["cells"].sum())
        table.add_row(
            t(step, lang),
            ", ".join(methods),
            str(indicators.n_unique()) if step != "screen" else "–",
            str(total),
            "; ".join(where) + (" …" if total > len(where) else ""),
        )
    return table


def issues_panel(issues: Sequence[Issue], lang: str = "zh") -> Panel | None:
    """Warnings as a yellow panel (None when there are none)."""
    if not issues:
        return None
    lines = [Text(f"• {issue.line(lang)}", style="yellow") for issue in issues]
    return Panel(
        Group(*lines),
        title=f"{t('warnings', lang)} ({len(issues)})",
        border_style="yellow",
        expand=False,
    )


def render_result(
    result: IndexResult,
    console: Console,
    period: Period | None = None,
    lang: str = "zh",
    top: int | None = None,
    wide: bool = False,
) -> None:
    """Print the ranked report of `period` (default: the latest)."""
    from gdindex.report.fit import fit_table, left_out_note

    period = result.latest_period if period is None else period
    table, left = fitted_ranking(result, period, console, lang, top, wide)
    groups = group_tables(result, period, lang, left)
    pillars = [
        n.name_zh if lang == "zh" else n.name_en
        for n in result.nodes
        if n.depth == 1 and n.kind != "indicator"
    ]
    group_left: list[str] = []
    for group in groups:
        group_left += fit_table(console, group, [32, 20, ("pillars", pillars)], wide)
    console.print(table)
    note = left_out_note([k for k in left if k not in _LOOKS], console.width, lang)
    if note is not None:
        console.print(note)
    for group in groups:
        console.print(group)
    # What only the group tables left out is said under them, not under the ranking.
    only_groups = [k for k in group_left if k not in left]
    tables = "分组汇总" if lang == "zh" else "group summaries"
    note = left_out_note(only_groups, console.width, lang, tables)
    if note is not None:
        console.print(note)
    prep = preparation_table(result, lang)
    if prep is not None:
        console.print(prep)
    panel = issues_panel(result.issues, lang)
    if panel is not None:
        console.print(panel)


def render_issues(
    issues: Sequence[Issue], console: Console, title: str, lang: str = "zh"
) -> None:
    """Print validation issues in `lang`: errors red, warnings yellow."""
    if not issues:
        return
    table = Table(title=title, header_style="bold", show_lines=False, expand=False)
    table.add_column(t("severity", lang), no_wrap=True)
    # A long path, id or Chinese sentence folds onto more lines: never cut with "…"
    table.add_column(t("where", lang).split("（")[0].split(" (")[0], overflow="fold")
    table.add_column(t("problem", lang), overflow="fold")
    table.add_column(t("hint", lang), style="dim", overflow="fold")
    for issue in issues:
        style = "red" if issue.severity == "error" else "yellow"
        severity = (
            t(issue.severity, lang) if issue.severity in LABELS else issue.severity
        )
        shown = issue.in_lang(lang)
        table.add_row(
            Text(severity, style=style),
            Text(shown.where),  # Text: brackets in paths are not markup
            Text(shown.message),
            Text(shown.hint or ""),
        )
    console.print(table)


def render_error(error: GdindexError, console: Console, lang: str = "zh") -> None:
    """Print an error and every issue it carries as a red panel, in `lang`."""
    head = error.headline(lang).splitlines()[0]
    body: list[Any] = [Text(head, style="bold red")]
    colon, hint = ("：", "建议：") if lang == "zh" else (": ", "hint: ")
    for issue in error.issues:
        shown = issue.in_lang(lang)
        line = Text("• ", style="red")
        line.append(shown.where, style="bold")
        line.append(f"{colon}{shown.message}" if shown.where else shown.message)
        if shown.hint:
            line.append(f"\n  {hint}{shown.hint}", style="dim")
        body.append(line)
    title = t("error", lang)
    console.print(Panel(Group(*body), title=title, border_style="red", expand=False))
