"""Rich view of the weights: the tree with nominal, derived and effective weights,
and how every node's weights were derived (method, parameters, AHP consistency)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.pipeline.tree_weights import NodeWeights, Weighting
from gdindex.report.fit import fit_table, left_out_note
from gdindex.report.terminal import issues_panel, method_name

LABELS = {
    "title": {"zh": "权重", "en": "Weights"},
    "node": {"zh": "节点", "en": "Node"},
    "method": {"zh": "赋权方法", "en": "Method"},
    "nominal": {"zh": "名义权重", "en": "Nominal"},
    "weight": {"zh": "派生权重", "en": "Derived"},
    "effective": {"zh": "有效权重", "en": "Effective"},
    "derivation": {"zh": "赋权说明", "en": "How the weights were derived"},
    "params": {"zh": "参数", "en": "Parameters"},
    "consistency": {"zh": "一致性", "en": "Consistency"},
    "share": {"zh": "组合系数", "en": "Share"},
    "from_data": {
        "zh": "（含数据驱动权重，按数据计算）",
        "en": "(data-driven weights, computed from the data)",
    },
    "from_spec": {
        "zh": "（权重来自规格文件，未读取数据）",
        "en": "(weights from the spec alone; no data read)",
    },
    "overrides": {"zh": "覆盖参数", "en": "Overrides"},
    "root": {"zh": "根", "en": "root"},
    "pool_panel": {"zh": "全面板", "en": "pooled panel"},
    "pool_base": {"zh": "基期", "en": "base period"},
    "rows": {"zh": "行", "en": "rows"},
}


def _t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def _name(weighting: Weighting, node_id: str, lang: str) -> str:
    spec = weighting.spec
    ind = spec.indicator_map.get(node_id)
    if ind is not None:
        return ind.name.get(lang)
    for node, _ in spec.tree.walk():
        if node.id == node_id and node.name is not None:
            return node.name.get(lang)
    return node_id


def weights_table(weighting: Weighting, lang: str = "zh") -> Table:
    """The tree, indented by depth: nominal, derived and effective weights."""
    depth = {n.id: d for n, d in weighting.spec.tree.walk()}
    leaves = {n.id for n, _ in weighting.spec.tree.walk() if n.is_leaf}
    table = Table(title=f"{_t('title', lang)} · {weighting.spec.name.get(lang)}")
    table.add_column(_t("node", lang))
    table.add_column("id", style="dim")
    table.add_column(_t("method", lang))
    table.add_column(_t("nominal", lang), justify="right")
    table.add_column(_t("weight", lang), justify="right")
    table.add_column(_t("effective", lang), justify="right")
    for row in weighting.rows:
        d = depth[row.node]
        label = Text("  " * d + _name(weighting, row.node, lang))
        if row.node not in leaves:
            label.stylize("bold")
        method = (
            _t("root", lang) if row.parent is None else method_name(row.method, lang)
        )
        table.add_row(
            label,
            row.node,
            method,
            "" if row.parent is None else f"{row.nominal:g}",
            f"{row.weight:.4f}",
            f"{row.effective_weight:.4f}",
        )
    return table


def _params_text(params: dict[str, Any], lang: str) -> str:
    shown = {k: v for k, v in params.items() if k not in ("method", "matrix")}
    pool = shown.pop("pool", None)
    base = shown.pop("base_period", None)
    parts = [
        f"{k}=[{', '.join(map(str, v))}]" if isinstance(v, list) else f"{k}={v}"
        for k, v in shown.items()
        if v is not None
    ]
    if pool == "panel":
        parts.insert(0, _t("pool_panel", lang))
    elif pool == "base":
        parts.insert(0, f"{_t('pool_base', lang)} {base}")
    return ", ".join(parts)


def derivation_table(weighting: Weighting, lang: str = "zh") -> Table:
    """One row per method of every inner node: parameters, rows, AHP consistency."""
    table = Table(title=_t("derivation", lang))
    table.add_column(_t("node", lang))
    table.add_column(_t("method", lang))
    table.add_column(_t("share", lang), justify="right")
    table.add_column(_t("params", lang))
    table.add_column(_t("consistency", lang))
    for nw in weighting.nodes.values():
        for k, c in enumerate(nw.components):
            extra = _params_text(c.params, lang)
            if c.rows is not None:
                extra = f"{extra}, {c.rows} {_t('rows', lang)}" if extra else ""
            consistency = Text("")
            if c.ahp is not None:
                ok = c.ahp.cr <= 0.1
                consistency = Text(
                    f"λmax={c.ahp.lambda_max:.4f} CI={c.ahp.ci:.4f} "
                    f"CR={c.ahp.cr:.4f} {'✓' if ok else '✗'}",
                    style="green" if ok else "red",
                )
            table.add_row(
                _name(weighting, nw.node, lang) if k == 0 else "",
                method_name(c.method, lang),
                f"{c.share:g}",
                extra,
                consistency,
            )
    return table


def components_table(nw: NodeWeights, weighting: Weighting, lang: str) -> Table:
    """Each method's weights next to the combined ones, for a combined node."""
    table = Table(
        title=f"{_name(weighting, nw.node, lang)}: {method_name(nw.method, lang)}"
    )
    table.add_column(_t("node", lang))
    for c in nw.components:
        table.add_column(f"{method_name(c.method, lang)} ×{c.share:g}", justify="right")
    table.add_column(_t("weight", lang), justify="right")
    for j, child in enumerate(nw.children):
        table.add_row(
            _name(weighting, child, lang),
            *[f"{c.weights[j]:.4f}" for c in nw.components],
            f"{nw.weights[j]:.4f}",
        )
    return table


def _judgement(x: float) -> str:
    """A Saaty judgement as written: `3`, `1/3`, or `2.5`."""
    for v, text in ((x, "{:g}"), (1.0 / x, "1/{:g}")):
        if abs(v - round(v)) < 1e-9:
            return text.format(round(v))
    return f"{x:.3g}"


def ahp_table(nw: NodeWeights, weighting: Weighting, lang: str) -> Table | None:
    """The full reciprocal pairwise matrix of an AHP node, with its weights."""
    comp = next((c for c in nw.components if c.ahp is not None), None)
    if comp is None or comp.ahp is None:
        return None
    names = [_name(weighting, c, lang) for c in nw.children]
    table = Table(title=f"{_name(weighting, nw.node, lang)}: AHP")
    table.add_column("")
    for name in names:
        table.add_column(name, justify="right")
    table.add_column(_t("weight", lang), justify="right")
    A = comp.ahp.matrix
    for i, name in enumerate(names):
        table.add_row(
            name,
            *[_judgement(float(A[i, j])) for j in range(len(names))],
            f"{comp.weights[i]:.4f}",
        )
    return table


def render_weights(
    weighting: Weighting, console: Console, lang: str = "zh", wide: bool = False
) -> None:
    """Print the weights tree, the derivation and any warnings about them (on a
    narrow terminal without the columns that do not fit, and a line saying so)."""
    tree = weights_table(weighting, lang)
    method, nominal = _t("method", lang), _t("nominal", lang)
    left = fit_table(
        console,
        tree,
        [("id", ["id"]), 40, 32, (method, [method]), (nominal, [nominal])],
        wide,
    )
    derivation = derivation_table(weighting, lang)
    share = _t("share", lang)
    left += fit_table(console, derivation, [(share, [share])], wide)
    console.print(tree)
    note = _t("from_data" if weighting.from_data else "from_spec", lang)
    console.print(Text(note, style="dim"))
    if weighting.spec.overrides:
        console.print(
            Text(f"{_t('overrides', lang)}: " + "; ".join(weighting.spec.overrides))
        )
    console.print(derivation)
    for nw in weighting.nodes.values():
        matrix = ahp_table(nw, weighting, lang)
        if matrix is not None:
            console.print(matrix)
        if len(nw.components) > 1:
            console.print(components_table(nw, weighting, lang))
    left_note = left_out_note(left, console.width, lang)
    if left_note is not None:
        console.print(left_note)
    panel = issues_panel(weighting.issues, lang)
    if panel is not None:
        console.print(panel)
