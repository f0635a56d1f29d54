"""Rich rendering of `gdindex explain`: why a unit stands where it does.

It formats an `Explanation` only: a headline (score, rank, change, the gap to the
reference), the unit's score and rank at every node, the indicators sorted so that
what holds the unit back comes first (effective weight × normalised score, and the
gap to the reference), the strongest and weakest indicators, and the history.
Names wrap in a narrow terminal; numbers never do.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.analysis.explain import Explanation
from gdindex.errors import text_in
from gdindex.report.terminal import fmt_growth as signed
from gdindex.report.terminal import fmt_num as num
from gdindex.report.terminal import fmt_rank_change as moved

LABELS = {
    "title": {"zh": "排名解读", "en": "Why this rank"},
    "period": {"zh": "时期", "en": "period"},
    "period_head": {"zh": "时期", "en": "Period"},
    "score": {"zh": "得分", "en": "Score"},
    "rank": {"zh": "排名", "en": "Rank"},
    "change": {"zh": "较上期", "en": "Change"},
    "vs": {"zh": "对照", "en": "vs"},
    "gap": {"zh": "差距", "en": "Gap"},
    "reference": {"zh": "对照值", "en": "Reference"},
    "nodes": {"zh": "各级得分", "en": "Scores by node"},
    "node": {"zh": "节点", "en": "Node"},
    "contributions": {
        "zh": "指标贡献（拖后腿的在前）",
        "en": "Contributions (what holds back first)",
    },
    "indicator": {"zh": "指标", "en": "Indicator"},
    "weight": {"zh": "有效权重", "en": "Eff. weight"},
    "normalised": {"zh": "标准化值", "en": "Normalised"},
    "contribution": {"zh": "贡献", "en": "Contribution"},
    "gap_contribution": {"zh": "差距贡献", "en": "Gap contrib."},
    "strongest": {"zh": "最强指标", "en": "Strongest"},
    "weakest": {"zh": "最弱指标", "en": "Weakest"},
    "history": {"zh": "历年表现", "en": "History"},
    "not_additive": {
        "zh": "注：树中有非算术平均节点，贡献为线性近似，合计不等于得分。",
        "en": "Note: some nodes are not arithmetic means; contributions are a "
        "linear reading and do not add up to the score.",
    },
    "of": {"zh": "/", "en": "of"},
    "is_median": {
        "zh": "它本身就是中位单位；可用 --vs 与分组比较",
        "en": "it is the median unit itself; compare with a group: --vs GROUP",
    },
}


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def _table(title: str) -> Table:
    return Table(title=title, header_style="bold cyan", pad_edge=False)


def _nums(table: Table, *headers: str) -> None:
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)


def headline(ex: Explanation, lang: str = "zh") -> Text:
    """`排名解读 · 肇庆 Zhaoqing · 时期 2023: score (rank r / n), gap to reference`."""
    root = ex.nodes.row(0, named=True)
    other = "en" if lang == "zh" else "zh"
    text = Text(f"{t('title', lang)} · {ex.name(lang)}", style="bold")
    if ex.name(other) != ex.name(lang):
        text.append(f" {ex.name(other)}", style="bold")
    text.append(f" · {t('period', lang)} {ex.period}\n")
    text.append(f"{ex.node_name(root['node'], lang)}: {num(root['score'])} ")
    text.append(f"({t('rank', lang)} {root['rank']} {t('of', lang)} {ex.n_units}) ")
    text.append(moved(root["rank_change"]))
    text.append(f"\n{t('vs', lang)} {ex.reference_label[lang]}: ")
    text.append(f"{num(root['reference'])}, {t('gap', lang)} ")
    text.append(signed(root["gap"]))
    if ex.vs == "median" and ex.reference_units == [ex.unit]:
        text.append(f" ({t('is_median', lang)})", style="dim")
    return text


def nodes_table(ex: Explanation, lang: str = "zh") -> Table:
    """The unit's score, rank, change and gap at every aggregate node."""
    table = _table(t("nodes", lang))
    table.add_column(t("node", lang), overflow="fold")
    _nums(table, t("score", lang), t("rank", lang), "Δ", t("change", lang))
    _nums(table, t("reference", lang), t("gap", lang))
    for r in ex.nodes.filter(ex.nodes["kind"] != "indicator").iter_rows(named=True):
        table.add_row(
            "  " * r["depth"] + ex.node_name(r["node"], lang),
            num(r["score"]),
            "—" if r["rank"] is None else str(r["rank"]),
            moved(r["rank_change"]),
            signed(r["change"]),
            num(r["reference"]),
            signed(r["gap"]),
        )
    return table


def contributions_table(
    ex: Explanation, lang: str = "zh", top: int | None = None
) -> Table:
    """Indicators sorted by gap contribution (what holds the unit back first)."""
    rows = ex.contributions.to_dicts()
    if top is not None:
        rows = rows[:top]
    table = _table(t("contributions", lang))
    table.add_column(t("indicator", lang), overflow="fold")
    _nums(table, t("weight", lang), t("normalised", lang), t("rank", lang))
    _nums(table, t("contribution", lang), t("gap_contribution", lang))
    for r in rows:
        table.add_row(
            ex.node_name(r["indicator"], lang),
            num(r["effective_weight"], 4),
            num(r["normalised"]),
            "—" if r["rank"] is None else str(r["rank"]),
            num(r["contribution"], 3),
            signed(r["gap_contribution"], 3),
        )
    return table


def extremes_text(ex: Explanation, lang: str = "zh") -> Text:
    """`最强指标: a (1), b (2) …` and `最弱指标: …` lines."""
    text = Text()
    for key, frame in (("strongest", ex.strongest), ("weakest", ex.weakest)):
        items = [
            f"{ex.node_name(r['indicator'], lang)} ({r['rank']})"
            for r in frame.iter_rows(named=True)
        ]
        text.append(f"{t(key, lang)}: ", style="bold")
        text.append("; ".join(items) + "\n")
    return text


def history_table(ex: Explanation, lang: str = "zh") -> Table:
    """Index and pillar scores (rank) in every period."""
    nodes = list(dict.fromkeys(ex.history["node"].to_list()))
    table = _table(t("history", lang))
    table.add_column(t("period_head", lang), no_wrap=True)
    for node in nodes:
        table.add_column(
            ex.node_name(node, lang), justify="right", overflow="fold", min_width=10
        )
    for period in dict.fromkeys(ex.history["period"].to_list()):
        cells = []
        for node in nodes:
            r = next(
                x
                for x in ex.history.iter_rows(named=True)
                if x["period"] == period and x["node"] == node
            )
            rank = "" if r["rank"] is None else f" ({r['rank']})"
            cells.append(f"{num(r['score'], 1)}{rank}")
        table.add_row(str(period), *cells)
    return table


def render_explanation(
    ex: Explanation, console: Console, lang: str = "zh", top: int | None = None
) -> None:
    """Print the headline, scores by node, contributions (the first `top`),
    strongest and weakest indicators, and history."""
    console.print(headline(ex, lang))
    for note in ex.notes:
        console.print(Text(text_in(note, lang), style="yellow"))
    console.print(nodes_table(ex, lang))
    console.print(contributions_table(ex, lang, top))
    if not ex.additive:
        console.print(Text(t("not_additive", lang), style="yellow"))
    console.print(extremes_text(ex, lang))
    console.print(history_table(ex, lang))
