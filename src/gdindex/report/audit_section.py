"""The audit section of the published report (`gdindex report --with audit`).

`audit_section(audit, lang)` returns a `Section` of the report's document model:
Cronbach's α and the first component's share per node, a correlation heatmap per
pillar (its children and the pillar itself, Pearson's r), an importance-vs-weight
chart (each child's main-effect share against its nominal weight, with the
band [½, 2] × weight outside which a child is flagged), and the flags with what to
do about them. The charts are Vega-Lite rendered to SVG (`charts.to_svg`), so
re-running gives byte-identical files.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import polars as pl

from gdindex.analysis.audit import AuditResult
from gdindex.report.audit import KIND_NAMES, num
from gdindex.report.charts.plots import chart_config
from gdindex.report.charts.svg import render_into, rendering_beside
from gdindex.report.document import Block, Figure, Para, Section, Table

LABELS = {
    "title": {"zh": "统计一致性审计", "en": "Statistical coherence audit"},
    "intro": {
        "zh": "发布前的一致性检验：各节点下级指标的内部一致性（Cronbach α、主成分）、"
        "相关性、实际重要性（主效应 η²）与名义权重的对比，以及发现的问题。",
        "en": "The checks a statistics office runs before publishing: internal "
        "consistency of each node's children (Cronbach's α, principal components), "
        "correlations, importance (main effect η²) against the nominal weights, and "
        "the findings.",
    },
    "node": {"zh": "节点", "en": "Node"},
    "k": {"zh": "下级数", "en": "k"},
    "alpha": {"zh": "Cronbach α", "en": "Cronbach's α"},
    "first": {"zh": "第一主成分占比 %", "en": "First component %"},
    "above": {"zh": "特征值 > 1 个数", "en": "Eigenvalues > 1"},
    "heatmap": {"zh": "相关系数热力图 · {}", "en": "Correlations · {}"},
    "importance": {
        "zh": "重要性与权重：主效应份额对名义权重（带状区为权重的 ½–2 倍）",
        "en": "Importance vs weight: main-effect share against nominal weight "
        "(band: ½ to 2 × the weight)",
    },
    "weight": {"zh": "名义权重", "en": "Nominal weight"},
    "share": {"zh": "主效应份额", "en": "Main-effect share"},
    "flags": {"zh": "发现的问题", "en": "Findings"},
    "kind": {"zh": "类型", "en": "Kind"},
    "finding": {"zh": "说明", "en": "Finding"},
    "advice": {"zh": "建议", "en": "What to do"},
    "none": {"zh": "未发现问题。", "en": "No findings."},
    "not_computed": {
        "zh": "审计无法计算，无从判断是否存在问题。",
        "en": "The audit could not be computed, so nothing was checked.",
    },
    "pooled": {"zh": "全部时期合并", "en": "all periods pooled"},
}


def _t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def _style(chart: Any) -> Any:
    chart.config = chart_config()
    return chart


def heatmap(audit: AuditResult, node: str, lang: str = "zh") -> Any:
    """Pearson's r among a node's children and with the node (lower triangle)."""
    corr = audit.correlations
    kids = corr.filter((pl.col("b") == node) & (pl.col("relation") == "parent"))[
        "a"
    ].to_list()
    members = [*kids, node]
    names = {m: audit.node_name(m, lang) for m in members}
    lookup: dict[tuple[str, str], float | None] = {}
    for r in corr.iter_rows(named=True):
        lookup[(r["a"], r["b"])] = lookup[(r["b"], r["a"])] = r["pearson"]
    rows = []
    for i, a in enumerate(members):
        for b in members[: i + 1]:
            value = 1.0 if a == b else lookup.get((a, b))
            rows.append(
                {
                    "a": names[a],
                    "b": names[b],
                    "r": value,
                    "label": "—" if value is None else f"{value:.2f}",
                }
            )
    data = pl.DataFrame(
        rows,
        schema={"a": pl.String, "b": pl.String, "r": pl.Float64, "label": pl.String},
    )
    order = [names[m] for m in members]
    base = alt.Chart(data).encode(
        x=alt.X(
            "b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)
        ),
        y=alt.Y("a:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "r:Q",
            scale=alt.Scale(scheme="redblue", domain=[-1, 1]),
            legend=alt.Legend(title="r"),
        )
    )
    text = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition(
            "abs(datum.r) > 0.6", alt.value("white"), alt.value("#222")
        ),
    )
    size = max(18, min(40, math.floor(420 / max(len(members), 1))))
    chart = (rect + text).properties(width={"step": size}, height={"step": size})
    return _style(chart)


def importance_chart(audit: AuditResult, lang: str = "zh") -> Any:
    """Each child's main-effect share against its weight, every aggregate node."""
    imp = audit.importance.filter(pl.col("relation") == "child").drop_nulls(
        ["weight", "main_effect_share"]
    )
    data = imp.with_columns(
        node_name=pl.col("node").replace_strict(
            {n: audit.node_name(n, lang) for n in imp["node"].unique()},
            return_dtype=pl.String,
        ),
        child_name=pl.col("child").replace_strict(
            {c: audit.node_name(c, lang) for c in imp["child"].unique()},
            return_dtype=pl.String,
        ),
    ).select("node_name", "child_name", "weight", "main_effect_share", "ratio")
    top = float(
        max([0.05, *data["weight"].to_list(), *data["main_effect_share"].to_list()])
    )
    lo, hi = audit.thresholds.ratio_low, audit.thresholds.ratio_high
    steps = [top * i / 50 for i in range(51)]
    band = pl.DataFrame(
        {
            "w": steps,
            "low": [lo * s for s in steps],
            "high": [min(hi * s, top) for s in steps],
        }
    )
    axis = alt.Axis(format=".2f", tickCount=6)
    x = alt.X(
        "weight:Q",
        title=_t("weight", lang),
        scale=alt.Scale(domain=[0, top]),
        axis=axis,
    )
    y = alt.Y(
        "main_effect_share:Q",
        title=_t("share", lang),
        scale=alt.Scale(domain=[0, top]),
        axis=axis,
    )
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.15, color="#4c78a8")
        .encode(
            x=alt.X(
                "w:Q",
                scale=alt.Scale(domain=[0, top]),
                title=_t("weight", lang),
                axis=axis,
            ),
            y=alt.Y("low:Q", scale=alt.Scale(domain=[0, top])),
            y2="high:Q",
        )
    )
    diagonal = (
        alt.Chart(pl.DataFrame({"w": [0.0, top]}))
        .mark_line(color="#888", strokeDash=[4, 3])
        .encode(x="w:Q", y="w:Q")
    )
    points = (
        alt.Chart(data)
        .mark_circle(size=60, opacity=0.85)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "node_name:N",
                title=_t("node", lang),
                legend=alt.Legend(orient="right", labelLimit=220),
            ),
            tooltip=["node_name:N", "child_name:N", "weight:Q", "main_effect_share:Q"],
        )
    )
    chart = (area + diagonal + points).properties(width=420, height=360)
    return _style(chart)


def audit_section(audit: AuditResult, lang: str = "zh") -> Section:
    """The report section of `audit`: α table, heatmaps, importance chart, flags."""
    with rendering_beside():  # its charts render in the process beside this one
        return _audit_section(audit, lang)


def _audit_section(audit: AuditResult, lang: str) -> Section:
    when = _t("pooled", lang) if audit.pooled else str(audit.period)
    blocks: list[Block] = [Para(f"{_t('intro', lang)} ({when})")]
    message = "message" if lang == "en" else "message_zh"
    blocks += [Para(r[message]) for r in audit.notes.iter_rows(named=True)]
    if "too_few_units" in audit.kinds:
        blocks.append(Para(_t("not_computed", lang)))
        return Section(anchor="audit", title=_t("title", lang), blocks=blocks)
    summary = audit.summary()
    blocks.append(
        Table(
            header=[_t(k, lang) for k in ("node", "k", "alpha", "first", "above")],
            rows=[
                [
                    audit.node_name(r["node"], lang),
                    str(r["k"]),
                    num(r["alpha"]),
                    num(
                        None if r["first_share"] is None else 100 * r["first_share"], 1
                    ),
                    "—" if r["n_above"] is None else str(r["n_above"]),
                ]
                for r in summary.iter_rows(named=True)
            ],
            numeric=[False, True, True, True, True],
        )
    )
    root = audit.nodes[0].id if audit.nodes else None
    for i, node in enumerate(summary["node"].to_list()):
        if node == root and summary.height > 1:
            continue
        name = audit.node_name(node, lang)
        figure_name = f"audit-corr-{i}"
        figure = Figure(
            name=figure_name,
            kind="audit-heatmap",
            caption=_t("heatmap", lang).format(name),
            svg="",
        )
        render_into(heatmap(audit, node, lang), figure_name, figure)
        blocks.append(figure)
    if (
        audit.importance.filter(pl.col("relation") == "child")["main_effect_share"]
        .drop_nulls()
        .len()
    ):
        figure = Figure(
            name="audit-importance",
            kind="audit-importance",
            caption=_t("importance", lang),
            svg="",
        )
        render_into(importance_chart(audit, lang), "audit-importance", figure)
        blocks.append(figure)
    advice = "advice" if lang == "en" else "advice_zh"
    if audit.flags.is_empty():
        blocks.append(Para(_t("none", lang)))
    else:
        blocks.append(
            Table(
                header=[_t("kind", lang), _t("finding", lang), _t("advice", lang)],
                rows=[
                    [KIND_NAMES[r["kind"]][lang], r[message], r[advice]]
                    for r in audit.flags.iter_rows(named=True)
                ],
                caption=f"{_t('flags', lang)} ({audit.flags.height})",
            )
        )
    return Section(anchor="audit", title=_t("title", lang), blocks=blocks)
