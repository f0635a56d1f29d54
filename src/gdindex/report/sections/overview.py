"""The method section that opens the report: what was computed and how (units,
periods, structure, normalisation and its scope, aggregation, weights, growth and
quadrant definitions, overrides) and the table of the indicator tree with weights.
"""

from __future__ import annotations

from gdindex.report.document import Block, Cell, Para, Section, Table
from gdindex.report.sections.formats import SCOPES, _params_text, _t, fmt
from gdindex.report.sections.view import View
from gdindex.report.terminal import method_name


def _method_section(v: View) -> Section:
    r, lang = v.result, v.lang
    spec = r.spec
    blocks: list[Block] = []
    if spec.description is not None:
        blocks.append(Para(spec.description.get(lang)))
    default_norm = spec.defaults.normalise
    overridden = [ind for ind in spec.indicators if ind.normalise is not None]
    scopes = sorted(
        {
            getattr(spec.normalise_for(ind), "scope", None) or "—"
            for ind in spec.indicators
        }
    )
    n_inner = sum(1 for n in r.nodes if n.kind != "indicator")
    norm_text = _params_text(default_norm, lang)
    if overridden:
        norm_text += (
            f"；另有 {len(overridden)} 项指标单独设定（见下表）"
            if lang == "zh"
            else f"; {len(overridden)} indicator(s) set their own (see the table)"
        )
    scope_text = "; ".join(SCOPES.get(s, {}).get(lang, s) for s in scopes)
    base = getattr(default_norm, "base_period", None)
    if base is not None:
        scope_text += f" ({base})"
    aggs: dict[str, list[str]] = {}
    for node, _ in spec.tree.walk():
        if not node.is_leaf:
            aggs.setdefault(_params_text(spec.aggregate_for(node), lang), []).append(
                node.id
            )
    agg_text = "; ".join(
        text if len(aggs) == 1 else f"{text} ({', '.join(ids)})"
        for text, ids in aggs.items()
    )
    weight_methods: dict[str, list[str]] = {}
    if r.weighting is not None:
        for nw in r.weighting.nodes.values():
            weight_methods.setdefault(method_name(nw.method, lang), []).append(nw.node)
    weight_text = "; ".join(
        name if len(weight_methods) == 1 else f"{name} ({', '.join(ids)})"
        for name, ids in weight_methods.items()
    )
    periods = ", ".join(str(p) for p in r.periods)
    if lang == "zh":
        facts = [
            (
                _t("units_n", lang),
                f"{r.units.height} 个地区（本期有得分 {v.n_scored} 个）",
            ),
            (_t("periods", lang), f"{periods}（报告期 {v.period}）"),
            (
                _t("structure", lang),
                f"{n_inner - 1} 个中间节点（{len(v.pillars)} 个分指数）、"
                f"{len(spec.indicators)} 项指标，共 {max(n.depth for n in r.nodes)} 层",
            ),
            (_t("normalise", lang), norm_text),
            (_t("scope", lang), scope_text),
            (_t("aggregate", lang), agg_text),
            (_t("weights", lang), weight_text or "—"),
            (
                _t("growth_def", lang),
                "增速 = 100 ×（本期得分 ÷ 上期得分 − 1）；"
                "名次变动 = 上期排名 − 本期排名（正数为上升）；"
                "年均增速 = (末期 ÷ 首期)^(1/期数) − 1",
            ),
            (
                _t("quadrant_def", lang),
                "以本期各地区得分和增速的中位数为界：双高（得分、增速均不低于中位数）、"
                "黑马（得分低、增速高）、稳健（得分高、增速低）、追赶（均低于中位数）"
                + ("；增速按得分变化计" if spec.quadrant.growth == "change" else ""),
            ),
        ]
    else:
        facts = [
            (_t("units_n", lang), f"{r.units.height} units ({v.n_scored} scored)"),
            (_t("periods", lang), f"{periods} (report period {v.period})"),
            (
                _t("structure", lang),
                f"{n_inner - 1} inner node(s) ({len(v.pillars)} pillars), "
                f"{len(spec.indicators)} indicators, "
                f"{max(n.depth for n in r.nodes)} level(s)",
            ),
            (_t("normalise", lang), norm_text),
            (_t("scope", lang), scope_text),
            (_t("aggregate", lang), agg_text),
            (_t("weights", lang), weight_text or "—"),
            (
                _t("growth_def", lang),
                "growth = 100 · (score / previous score − 1); rank change = previous "
                "rank − rank (positive = moved up); CAGR = (last / first)^(1/T) − 1",
            ),
            (
                _t("quadrant_def", lang),
                "split at the period's medians of score and growth: leader (both at "
                "or above), dark horse (low score, high growth), steady (high score, "
                "low growth), lagging (both below)"
                + (
                    "; growth is the score change"
                    if spec.quadrant.growth == "change"
                    else ""
                ),
            ),
        ]
    if spec.overrides:
        facts.append((_t("overrides", lang), "; ".join(spec.overrides)))
    blocks.append(
        Table(
            [_t("item", lang), _t("value", lang)],
            [[Cell(k, "strong"), v_] for k, v_ in facts],
            cls="wide",
        )
    )
    blocks.append(_tree_table(v))
    return Section("method", _t("method", lang), blocks)


def _tree_table(v: View) -> Table:
    r, lang = v.result, v.lang
    spec = r.spec
    weights = {row["node"]: row for row in r.weights.iter_rows(named=True)}
    inds = spec.indicator_map
    rows: list[list[str | Cell]] = []
    for node in r.nodes:
        indent = "\u3000" * node.depth
        w = weights.get(node.id, {})
        if node.kind == "indicator":
            ind = inds[node.id]
            method = _params_text(spec.normalise_for(ind), lang)
            direction = "↑" if ind.direction == 1 else "↓"
            measure = ind.unit.get(lang) if ind.unit else ""
            name_cell: str | Cell = Cell(indent + v.node_name(node), "wrap")
        else:
            agg = method_name(node.method, lang)
            nw = r.weighting.nodes.get(node.id) if r.weighting else None
            method = agg + (f" · {method_name(nw.method, lang)}" if nw else "")
            direction, measure = "", ""
            name_cell = Cell(indent + v.node_name(node), "strong wrap")
        rows.append(
            [
                name_cell,
                node.id,
                fmt(w.get("weight"), 4),
                fmt(w.get("effective_weight"), 4),
                Cell(method, "wrap"),
                direction,
                measure,
            ]
        )
    return Table(
        [
            _t("node", lang),
            "id",
            _t("weight", lang),
            _t("effective", lang),
            _t("methods", lang),
            _t("direction", lang),
            _t("measure", lang),
        ],
        rows,
        numeric=[False, False, True, True],
        caption=_t("tree", lang),
    )
