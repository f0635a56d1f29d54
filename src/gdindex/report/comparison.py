"""Rich rendering of a comparison of two variants (`gdindex compare`).

It formats a `Comparison` only: a title naming both variants, the node and the
period; the units with their scores and ranks under A and B and the rank shift
(▲ moved up under B, ▼ moved down); the summary figures and the biggest movers; the
same figures for every node; and the weights that differ. Labels are Chinese or
English; name columns never wrap, so CJK names keep their columns aligned.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.analysis.comparison import WEIGHT_TOLERANCE, Comparison
from gdindex.report.fit import fit_table, fits, left_out_note
from gdindex.report.terminal import (
    fmt_growth,
    fmt_num,
    fmt_rank_change,
    issues_panel,
    unit_label,
)

LABELS = {
    "title": {"zh": "方案对比", "en": "Comparison"},
    "period": {"zh": "时期", "en": "period"},
    "rank": {"zh": "排名", "en": "Rank"},
    "score": {"zh": "得分", "en": "Score"},
    "shift": {"zh": "位次变动", "en": "Shift"},
    "change": {"zh": "得分差", "en": "Change"},
    "unit": {"zh": "地区", "en": "Unit"},
    "variants": {"zh": "方案", "en": "Variants"},
    "summary": {"zh": "汇总", "en": "Summary"},
    "measure": {"zh": "项目", "en": "Measure"},
    "value": {"zh": "数值", "en": "Value"},
    "n_units": {"zh": "两方案均有得分的单位", "en": "Units scored in both"},
    "spearman": {"zh": "Spearman 秩相关", "en": "Spearman rank correlation"},
    "mean_shift": {"zh": "平均位次变动（绝对值）", "en": "Mean |rank shift|"},
    "max_shift": {"zh": "最大位次变动（绝对值）", "en": "Max |rank shift|"},
    "moved": {"zh": "位次变动的单位", "en": "Units that moved"},
    "score_change": {"zh": "平均得分变动（绝对值）", "en": "Mean |score change|"},
    "mean_shift_short": {"zh": "平均位次变动", "en": "Mean |shift|"},
    "max_shift_short": {"zh": "最大位次变动", "en": "Max |shift|"},
    "movers": {"zh": "位次变动最大的单位", "en": "Biggest movers"},
    "no_movers": {"zh": "无单位位次变动", "en": "no unit changed rank"},
    "nodes": {"zh": "各节点对比", "en": "By node"},
    "node": {"zh": "节点", "en": "Node"},
    "kind": {"zh": "类型", "en": "Kind"},
    "n": {"zh": "单位数", "en": "N"},
    "weights": {"zh": "权重差异", "en": "Weight differences"},
    "parent": {"zh": "上级", "en": "Parent"},
    "weight": {"zh": "权重", "en": "Weight"},
    "effective": {"zh": "有效权重", "en": "Effective"},
    "diff": {"zh": "差", "en": "Δ"},
    "method": {"zh": "方法", "en": "Method"},
    "same_weights": {
        "zh": "两方案权重相同（含有效权重）",
        "en": "No weight or effective weight changed",
    },
    "index": {"zh": "指数", "en": "index"},
    "aggregate": {"zh": "分项", "en": "aggregate"},
    "indicator": {"zh": "指标", "en": "indicator"},
    "only": {"zh": "仅此方案", "en": "only here"},
}


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def _num(value: Any, digits: int) -> str:
    return fmt_num(value, digits)


def _signed(value: Any, digits: int) -> Text:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Text("—", style="dim")
    if abs(value) < 0.5 * 10**-digits:
        return Text(f"{0:.{digits}f}", style="dim")
    style = "green" if value > 0 else "red"
    return Text(f"{value:+.{digits}f}", style=style)


def title(cmp: Comparison, lang: str = "zh") -> Text:
    """`方案对比 · node name · 时期 P` in one language, then a line naming A and one
    naming B."""
    text = Text(t("title", lang), style="bold")
    text.append(f" · {cmp.node_name(cmp.node, lang)}", style="bold")
    text.append(f" · {t('period', lang)} {cmp.period}")
    text.append("\n  A: ")
    text.append(cmp.label_a, style="cyan")
    text.append("\n  B: ")
    text.append(cmp.label_b, style="magenta")
    return text


def units_table(
    cmp: Comparison, lang: str = "zh", top: int | None = None, both: bool = True
) -> Table:
    """Every unit (or the first `top` by B's rank): ranks, shift, scores, change
    (unit names in both languages unless not `both`)."""
    table = Table(header_style="bold cyan", pad_edge=False)
    table.add_column(f"{t('rank', lang)} A", justify="right")
    table.add_column(f"{t('rank', lang)} B", justify="right")
    table.add_column(t("shift", lang), justify="left", no_wrap=True)
    table.add_column(t("unit", lang), no_wrap=True)
    table.add_column(f"{t('score', lang)} A", justify="right")
    table.add_column(f"{t('score', lang)} B", justify="right", style="bold")
    table.add_column(t("change", lang), justify="right")
    rows = cmp.units.to_dicts()
    if top is not None:
        rows = rows[:top]
    for row in rows:
        table.add_row(
            _rank(row["rank_a"]),
            _rank(row["rank_b"]),
            fmt_rank_change(row["rank_shift"]),
            unit_label(row, lang, both),
            fmt_num(row["score_a"]),
            fmt_num(row["score_b"]),
            fmt_growth(row["score_change"]),
        )
    return table


def _rank(value: Any) -> str:
    return "—" if value is None else str(value)


def summary_table(cmp: Comparison, lang: str = "zh") -> Table:
    """The summary figures of the compared node."""
    s = cmp.summary
    table = Table(title=t("summary", lang), header_style="bold cyan", pad_edge=False)
    table.add_column(t("measure", lang), no_wrap=True)
    table.add_column(t("value", lang), justify="right")
    n = s["n_units"]
    table.add_row(t("n_units", lang), str(n))
    table.add_row(t("spearman", lang), _num(s["spearman"], 4))
    table.add_row(t("mean_shift", lang), _num(s["mean_abs_rank_shift"], 2))
    table.add_row(
        t("max_shift", lang),
        "—" if s["max_abs_rank_shift"] is None else str(s["max_abs_rank_shift"]),
    )
    table.add_row(t("moved", lang), f"{s['units_moved']} / {n}")
    if "mean_abs_score_change" in s:
        table.add_row(t("score_change", lang), _num(s["mean_abs_score_change"], 2))
    return table


def movers_table(cmp: Comparison, lang: str = "zh", both: bool = True) -> Table | Text:
    """The units that moved most (a line of text when none moved)."""
    movers = cmp.summary.get("movers") or []
    if not movers:
        return Text(f"{t('movers', lang)}: {t('no_movers', lang)}", style="dim")
    table = Table(title=t("movers", lang), header_style="bold cyan", pad_edge=False)
    table.add_column(t("unit", lang), no_wrap=True)
    table.add_column(f"{t('rank', lang)} A", justify="right")
    table.add_column(f"{t('rank', lang)} B", justify="right")
    table.add_column(t("shift", lang), no_wrap=True)
    table.add_column(t("change", lang), justify="right")
    for row in movers:
        table.add_row(
            unit_label(row, lang, both),
            _rank(row["rank_a"]),
            _rank(row["rank_b"]),
            fmt_rank_change(row["rank_shift"]),
            fmt_growth(row["score_change"]),
        )
    return table


def nodes_table(cmp: Comparison, lang: str = "zh", ids: bool = True) -> Table:
    """Spearman and rank-shift figures of every node of both trees (indented; the
    ids after the names unless not `ids`)."""
    table = Table(title=t("nodes", lang), header_style="bold cyan", pad_edge=False)
    table.add_column(t("node", lang), no_wrap=True)
    table.add_column(t("kind", lang), no_wrap=True)
    table.add_column(t("n", lang), justify="right")
    table.add_column("Spearman ρ", justify="right")
    table.add_column(t("mean_shift_short", lang), justify="right")
    table.add_column(t("max_shift_short", lang), justify="right")
    for row in cmp.nodes.to_dicts():
        name = cmp.node_name(row["node"], lang)
        label = name if name == row["node"] or not ids else f"{name} ({row['node']})"
        kind = row["kind"]
        table.add_row(
            "  " * row["depth"] + label,
            t(kind, lang) if kind in LABELS else str(kind),
            str(row["n_units"]),
            _num(row["spearman"], 4),
            _num(row["mean_abs_rank_shift"], 2),
            _rank(row["max_abs_rank_shift"]),
        )
    return table


def changed_weights(cmp: Comparison) -> list[dict[str, Any]]:
    """Weight rows whose weight or effective weight differs (or that one variant
    lacks)."""
    out = []
    for row in cmp.weights.to_dicts():
        diffs = (row["weight_diff"], row["effective_diff"])
        if any(d is None or abs(d) > WEIGHT_TOLERANCE for d in diffs):
            out.append(row)
    return out


def weights_table(cmp: Comparison, lang: str = "zh") -> Table | Text:
    """The nodes whose weight or effective weight changed (a line when none did)."""
    rows = changed_weights(cmp)
    if not rows:
        return Text(f"{t('weights', lang)}: {t('same_weights', lang)}", style="dim")
    table = Table(title=t("weights", lang), header_style="bold cyan", pad_edge=False)
    seen: set[str] = set()
    # names wrap; numbers never do, so that a narrow terminal keeps them readable
    table.add_column(t("node", lang), max_width=32)
    table.add_column(t("parent", lang), max_width=20)
    for head in ("weight", "weight", "diff", "effective", "effective", "diff"):
        side = "" if head == "diff" else (" A" if head not in seen else " B")
        seen.add(head)
        table.add_column(f"{t(head, lang)}{side}", justify="right", no_wrap=True)
    table.add_column(t("method", lang), no_wrap=True)
    for row in rows:
        methods = [m or t("only", lang) for m in (row["method_a"], row["method_b"])]
        method = methods[0] if methods[0] == methods[1] else " → ".join(methods)
        parent = row["parent"]
        table.add_row(
            cmp.node_name(row["node"], lang),
            cmp.node_name(parent, lang) if parent else "",
            _num(row["weight_a"], 4),
            _num(row["weight_b"], 4),
            _signed(row["weight_diff"], 4),
            _num(row["effective_a"], 4),
            _num(row["effective_b"], 4),
            _signed(row["effective_diff"], 4),
            method,
        )
    return table


def render_comparison(
    cmp: Comparison,
    console: Console,
    lang: str = "zh",
    top: int | None = None,
    wide: bool = False,
) -> None:
    """Print the comparison: title, units (the first `top` by B's rank, default
    all), summary, movers, nodes, weight differences and any warnings."""
    left: list[str] = []
    units = units_table(cmp, lang, top)
    movers = movers_table(cmp, lang)
    if not wide and not fits(console, units):
        units, movers = (
            units_table(cmp, lang, top, False),
            movers_table(cmp, lang, False),
        )
        left.append("other_names")
        shift = t("shift", lang)
        left += fit_table(console, units, [(shift, [shift])], wide)
    nodes = nodes_table(cmp, lang)
    if not wide and not fits(console, nodes):
        nodes = nodes_table(cmp, lang, ids=False)
        left.append("node_ids")
    kind = t("kind", lang)
    left += fit_table(console, nodes, [(kind, [kind])], wide)
    weights = weights_table(cmp, lang)
    if isinstance(weights, Table):
        steps = [(t(k, lang), [t(k, lang)]) for k in ("parent", "method")]
        left += fit_table(console, weights, steps, wide)
    console.print(title(cmp, lang))
    for table in (units, summary_table(cmp, lang), movers, nodes, weights):
        console.print(table)
    note = left_out_note(left, console.width, lang)
    if note is not None:
        console.print(note)
    panel = issues_panel(cmp.issues, lang)
    if panel is not None:
        console.print(panel)
