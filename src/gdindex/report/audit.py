"""Rich rendering of the coherence audit (`gdindex audit`), in Chinese or English.

It formats an `AuditResult` only: a title; per aggregate node Cronbach's α, the first
component's share, the number of eigenvalues above 1 and the weakest child; a
correlation table per pillar (each child against the pillar and against the index,
Pearson and Spearman) with its collinear pairs; importance against weight; and the
flags with what to do about them. Names wrap in a narrow terminal; numbers never do,
and are never cut.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from gdindex.analysis.audit import AuditResult

LABELS = {
    "title": {"zh": "一致性审计", "en": "Coherence audit"},
    "period": {"zh": "时期", "en": "period"},
    "pooled": {"zh": "全部时期合并", "en": "all periods pooled"},
    "rows": {"zh": "样本", "en": "rows"},
    "summary": {"zh": "各节点一致性", "en": "Consistency by node"},
    "node": {"zh": "节点", "en": "Node"},
    "k": {"zh": "下级数", "en": "k"},
    "n": {"zh": "样本数", "en": "n"},
    "alpha": {"zh": "α", "en": "α"},
    "first": {"zh": "第一主成分%", "en": "PC1 %"},
    "above": {"zh": "特征值>1", "en": "λ>1"},
    "weakest": {"zh": "最弱下级 (r)", "en": "Weakest child (r)"},
    "corr": {"zh": "相关性", "en": "Correlations"},
    "child": {"zh": "指标/下级", "en": "Child"},
    "vs_node": {"zh": "与本级", "en": "vs node"},
    "vs_index": {"zh": "与总指数", "en": "vs index"},
    "collinear": {"zh": "高度共线", "en": "collinear"},
    "importance": {"zh": "重要性与权重", "en": "Importance vs weight"},
    "in_index": {"zh": "各指标在总指数中", "en": "Indicators in the index"},
    "weight": {"zh": "权重", "en": "Weight"},
    "effective": {"zh": "有效权重", "en": "Effective"},
    "main": {"zh": "主效应 η²", "en": "Main effect η²"},
    "share": {"zh": "份额", "en": "Share"},
    "ratio": {"zh": "比值", "en": "Ratio"},
    "flags": {"zh": "发现的问题", "en": "Findings"},
    "kind": {"zh": "类型", "en": "Kind"},
    "finding": {"zh": "说明", "en": "Finding"},
    "advice": {"zh": "建议", "en": "What to do"},
    "no_flags": {"zh": "未发现问题", "en": "no findings"},
    "notes": {"zh": "说明", "en": "Notes"},
    "not_computed": {
        "zh": "审计无法计算，无从判断是否存在问题",
        "en": "the audit could not be computed, so nothing was checked",
    },
}

KIND_NAMES = {
    "negative": {"zh": "负相关", "en": "negative"},
    "weak": {"zh": "弱相关", "en": "weak"},
    "collinear": {"zh": "共线", "en": "collinear"},
    "misplaced": {"zh": "归属存疑", "en": "misplaced"},
    "low_alpha": {"zh": "α 偏低", "en": "low alpha"},
    "multidimensional": {"zh": "多维", "en": "multidimensional"},
    "importance_gap": {"zh": "重要性≠权重", "en": "importance gap"},
    "too_few_units": {"zh": "单位过少", "en": "too few units"},
}


COLLINEAR_SHOWN = 3
"""Collinear pairs listed under a correlation table (the strongest; all are in the
findings)."""


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def num(value: Any, digits: int = 3) -> str:
    """A number with `digits` decimals; `—` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def _table(title: str | None = None) -> Table:
    return Table(title=title, header_style="bold cyan", pad_edge=False, expand=False)


def _name_col(table: Table, header: str, width: int = 28) -> None:
    table.add_column(header, max_width=width, overflow="fold")


def _num_col(table: Table, header: str, cells: list[str]) -> None:
    widest = max([len(c) for c in cells] + [1])
    table.add_column(header, justify="right", no_wrap=True, min_width=widest)


def title(audit: AuditResult, lang: str = "zh") -> Text:
    """`一致性审计 · index · 时期 P` (in `lang`) and the rows audited."""
    other = "en" if lang == "zh" else "zh"
    text = Text(t("title", lang), style="bold")
    text.append(f" · {audit.spec_name.get(lang) or audit.spec_name.get(other)}")
    when = t("pooled", lang) if audit.pooled else f"{t('period', lang)} {audit.period}"
    text.append(f" · {when} · {t('rows', lang)} {audit.n_rows}")
    return text


def summary_table(audit: AuditResult, lang: str = "zh") -> Table:
    """Per aggregate node: k, n, α, PC1 share, eigenvalues > 1, the weakest child."""
    rows = audit.summary().to_dicts()
    cells = [
        [
            num(r["alpha"]),
            num(None if r["first_share"] is None else 100 * r["first_share"], 1),
            "—" if r["n_above"] is None else str(r["n_above"]),
        ]
        for r in rows
    ]
    table = _table(t("summary", lang))
    _name_col(table, t("node", lang))
    _num_col(table, t("k", lang), [str(r["k"]) for r in rows])
    _num_col(table, t("n", lang), [str(r["n"]) for r in rows])
    for i, key in enumerate(("alpha", "first", "above")):
        _num_col(table, t(key, lang), [c[i] for c in cells])
    _name_col(table, t("weakest", lang), 30)
    low = audit.thresholds.low_alpha
    for r, c in zip(rows, cells, strict=True):
        alpha_style = "red" if r["alpha"] is not None and r["alpha"] < low else ""
        above_style = "yellow" if (r["n_above"] or 0) > 1 else ""
        weakest = (
            f"{audit.node_name(r['weakest'], lang)} ({num(r['weakest_r'], 2)})"
            if r["weakest"]
            else "—"
        )
        table.add_row(
            "  " * r["depth"] + audit.node_name(r["node"], lang),
            str(r["k"]),
            str(r["n"]),
            Text(c[0], style=alpha_style),
            c[1],
            Text(c[2], style=above_style),
            weakest,
        )
    return table


def _r_text(value: Any, weak: float) -> Text:
    text = num(value)
    if value is None:
        return Text(text, style="dim")
    style = "red" if value < 0 else "yellow" if value < weak else ""
    return Text(text, style=style)


def correlation_tables(audit: AuditResult, lang: str = "zh") -> list[RenderableType]:
    """One table per aggregate node: each child against the node and against the
    index (Pearson r, Spearman ρ), then the node's collinear pairs."""
    corr = audit.correlations
    root = audit.nodes[0].id
    lookup = {
        (r["a"], r["b"]): (r["pearson"], r["spearman"])
        for r in corr.iter_rows(named=True)
    }
    out: list[RenderableType] = []
    weak = audit.thresholds.weak
    for node in audit.cronbach["node"].to_list():
        kids = corr.filter((pl.col("b") == node) & (pl.col("relation") == "parent"))[
            "a"
        ].to_list()
        values = [
            (*lookup.get((c, node), (None, None)), *lookup.get((c, root), (None, None)))
            for c in kids
        ]
        table = _table(f"{t('corr', lang)} · {audit.node_name(node, lang)}")
        _name_col(table, t("child", lang), 34)
        vs_node, vs_index = t("vs_node", lang), t("vs_index", lang)
        heads = (f"r {vs_node}", f"ρ {vs_node}", f"r {vs_index}", f"ρ {vs_index}")
        columns = 2 if node == root else 4  # the index: vs node is vs index
        for i, head in enumerate(heads[:columns]):
            _num_col(table, head, [num(v[i]) for v in values])
        for child, v in zip(kids, values, strict=True):
            table.add_row(
                audit.node_name(child, lang), *[_r_text(x, weak) for x in v[:columns]]
            )
        pairs = audit.flags.filter(
            (pl.col("kind") == "collinear") & (pl.col("node") == node)
        ).sort("value", descending=True)
        parts: list[RenderableType] = [table]
        if pairs.height:
            shown = [
                f"{audit.node_name(r['a'], lang)} ~ {audit.node_name(r['b'], lang)} "
                f"({num(r['value'])})"
                for r in pairs.head(COLLINEAR_SHOWN).iter_rows(named=True)
            ]
            more = pairs.height - len(shown)
            tail = f"; … +{more}" if more else ""
            parts.append(
                Text(
                    f"  {t('collinear', lang)} ({pairs.height}): "
                    + "; ".join(shown)
                    + tail,
                    style="yellow",
                )
            )
        out.append(Group(*parts))
    return out


def importance_tables(audit: AuditResult, lang: str = "zh") -> list[Table]:
    """Importance against weight: the children of every node, then every indicator
    in the index (when the tree has pillars)."""
    tables = []
    imp = audit.importance
    lo, hi = audit.thresholds.ratio_low, audit.thresholds.ratio_high
    for relation, heading in (("child", "importance"), ("indicator", "in_index")):
        rows = imp.filter(pl.col("relation") == relation).to_dicts()
        if not rows:
            continue
        cells = [
            [
                num(r["weight"]),
                num(r["effective_weight"]),
                num(r["r2"]),
                num(r["main_effect"]),
                num(r["main_effect_share"]),
                num(r["ratio"], 2),
            ]
            for r in rows
        ]
        table = _table(t(heading, lang))
        _name_col(table, t("child", lang), 34)
        for i, key in enumerate(
            ("weight", "effective", "r2", "main", "share", "ratio")
        ):
            header = "r²" if key == "r2" else t(key, lang)
            _num_col(table, header, [c[i] for c in cells])
        previous = None
        for r, c in zip(rows, cells, strict=True):
            if relation == "child" and r["node"] != previous:
                table.add_row(Text(audit.node_name(r["node"], lang), style="bold"))
                previous = r["node"]
            ratio = r["ratio"]
            style = "red" if ratio is not None and not lo <= ratio <= hi else ""
            indent = "  " if relation == "child" else ""
            table.add_row(
                indent + audit.node_name(r["child"], lang),
                *c[:5],
                Text(c[5], style=style),
            )
        tables.append(table)
    return tables


def flags_table(audit: AuditResult, lang: str = "zh") -> RenderableType:
    """Every finding: its kind, what was found and, below it, what to do (a list,
    not a table: it reads better in a narrow terminal and prints much faster)."""
    flags = audit.flags
    if flags.is_empty() and "too_few_units" in audit.kinds:
        return Text(f"{t('flags', lang)}: {t('not_computed', lang)}", style="red")
    if flags.is_empty():
        return Text(f"{t('flags', lang)}: {t('no_flags', lang)}", style="green")
    message = "message" if lang == "en" else "message_zh"
    advice = "advice" if lang == "en" else "advice_zh"
    text = Text(f"{t('flags', lang)} ({flags.height})\n", style="bold")
    arrow = "→ " + t("advice", lang) + ": "
    for row in flags.iter_rows(named=True):
        text.append(f"[{KIND_NAMES[row['kind']][lang]}] ", style="yellow")
        text.append(f"{row[message]}\n")
        text.append(f"    {arrow}{row[advice]}\n", style="dim")
    return text


def notes_text(audit: AuditResult, lang: str = "zh") -> Text | None:
    """What the audit could not compute, and why (None when all was computed)."""
    if audit.notes.is_empty():
        return None
    message = "message" if lang == "en" else "message_zh"
    text = Text(f"{t('notes', lang)}\n", style="bold")
    for row in audit.notes.iter_rows(named=True):
        style = "red" if row["kind"] == "too_few_units" else "yellow"
        text.append(f"• {row[message]}\n", style=style)
    return text


def fail_on_message(hit: list[str], fail_on: str, lang: str = "zh") -> str:
    """The `--fail-on` message: the kinds found (flags, or an audit that could not
    be computed), in `lang`."""
    names = ("、" if lang == "zh" else ", ").join(
        KIND_NAMES[k][lang] if k in KIND_NAMES else k for k in hit
    )
    if lang == "zh":
        return f"audit：发现 {names}（--fail-on {fail_on}）"
    return f"audit: {names} found (--fail-on {fail_on})"


def render_audit(audit: AuditResult, console: Console, lang: str = "zh") -> None:
    """Print the audit: title, consistency by node, correlations per pillar,
    importance against weight, and the findings."""
    console.print(title(audit, lang))
    console.print(summary_table(audit, lang))
    for block in correlation_tables(audit, lang):
        console.print(block)
    for table in importance_tables(audit, lang):
        console.print(table)
    notes = notes_text(audit, lang)
    if notes is not None:
        console.print(notes)
    console.print(flags_table(audit, lang))
