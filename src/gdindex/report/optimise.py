"""Rich rendering of `gdindex audit --optimise`: the nominal and optimised weights
of a node's children side by side, the `--set` lines that apply them, Cronbach's α
under both, and how far the ranking moves."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.analysis.optimise import Optimised
from gdindex.report.audit import num

LABELS = {
    "title": {"zh": "权重优化", "en": "Optimised weights"},
    "balance": {
        "zh": "均衡：各下级与本级的相关系数尽量相等",
        "en": "balance: children correlate with the node as equally as possible",
    },
    "infomax": {
        "zh": "信息最大：各下级与本级的相关系数之和最大",
        "en": "infomax: the children's correlations with the node are largest",
    },
    "child": {"zh": "下级", "en": "Child"},
    "nominal": {"zh": "原权重", "en": "Nominal"},
    "optimised": {"zh": "优化权重", "en": "Optimised"},
    "r": {"zh": "r 原", "en": "r nominal"},
    "r_opt": {"zh": "r 优化", "en": "r optimised"},
    "spread": {"zh": "相关系数标准差", "en": "Spread (sd) of r"},
    "total": {"zh": "相关系数之和", "en": "Sum of r"},
    "sets": {"zh": "应用方法（--set）", "en": "Apply with --set"},
    "alpha": {"zh": "Cronbach α", "en": "Cronbach's α"},
    "node": {"zh": "节点", "en": "Node"},
    "shift": {"zh": "排名变化（总指数）", "en": "Rank shift of the index"},
    "spearman": {"zh": "Spearman 秩相关", "en": "Spearman"},
    "mean_shift": {"zh": "平均位次变动", "en": "mean |shift|"},
    "moved": {"zh": "位次变动单位", "en": "units moved"},
    "not_linear": {
        "zh": "注：该节点不是算术平均，优化按加权和近似。",
        "en": "Note: the node is not an arithmetic mean; the weighted sum is an "
        "approximation.",
    },
    "not_converged": {"zh": "优化未收敛", "en": "the search did not converge"},
    "excluded": {
        "zh": "{names} 在所用数据中为常数或缺失，权重保持为 0",
        "en": "{names}: constant or missing in the rows used, left at weight 0",
    },
    "zeroed": {
        "zh": "注意：{names} 的优化权重为 0，将从指数中剔除",
        "en": "Warning: the optimised weight of {names} is 0: it drops out of "
        "the index",
    },
}


def t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def render_optimised(found: Optimised, console: Console, lang: str = "zh") -> None:
    """Print the weights, the --set lines, α under both variants and the shift."""
    when = "pooled" if found.pooled else str(found.period)
    console.print(
        Text(
            f"{t('title', lang)} · {found.node_name(found.node, lang)} · {when}",
            style="bold",
        )
    )
    console.print(t(found.method, lang))
    table = Table(header_style="bold cyan", pad_edge=False)
    table.add_column(t("child", lang), overflow="fold")
    for key in ("nominal", "optimised", "r", "r_opt"):
        table.add_column(t(key, lang), justify="right", no_wrap=True)
    for r in found.weights.iter_rows(named=True):
        table.add_row(
            found.node_name(r["child"], lang),
            num(r["nominal"], 4),
            Text(num(r["optimised"], 4), style="bold"),
            num(r["r_nominal"]),
            num(r["r_optimised"]),
        )
    console.print(table)
    console.print(
        f"{t('spread', lang)}: {num(found.spread['nominal'], 4)} → "
        f"{num(found.spread['optimised'], 4)}; {t('total', lang)}: "
        f"{num(found.total['nominal'])} → {num(found.total['optimised'])}"
    )
    if not found.linear:
        console.print(Text(t("not_linear", lang), style="yellow"))
    if not found.converged:
        console.print(Text(f"{t('not_converged', lang)}: {found.message}", style="red"))
    sep = "、" if lang == "zh" else ", "
    for key in ("excluded", "zeroed"):
        names = [found.node_name(c, lang) for c in getattr(found, key)]
        if names:
            text = t(key, lang).format(names=sep.join(names))
            console.print(Text(text, style="yellow"), soft_wrap=True)
    console.print(Text(t("sets", lang), style="bold"))
    lines = found.reproduce or found.sets
    console.print(" ".join(f"--set {s}" for s in lines), soft_wrap=True)
    alpha = Table(title=t("alpha", lang), header_style="bold cyan", pad_edge=False)
    alpha.add_column(t("node", lang), overflow="fold")
    alpha.add_column(t("nominal", lang), justify="right", no_wrap=True)
    alpha.add_column(t("optimised", lang), justify="right", no_wrap=True)
    for r in found.alpha.iter_rows(named=True):
        alpha.add_row(
            found.node_name(r["node"], lang),
            num(r["alpha_nominal"]),
            num(r["alpha_optimised"]),
        )
    console.print(alpha)
    if found.comparison is not None:
        s = found.comparison.summary
        console.print(
            f"{t('shift', lang)}: {t('spearman', lang)} {num(s['spearman'], 4)}, "
            f"{t('mean_shift', lang)} {num(s['mean_abs_rank_shift'], 2)}, "
            f"{t('moved', lang)} {s['units_moved']} / {s['n_units']}"
        )
