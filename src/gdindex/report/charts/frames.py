"""What the charts (and the report's sections) select from a computed index:
display names of units and nodes, the pillars, the groupings, units in rank order,
a period's score rows, the order of group labels and the domain of a score axis.

Nothing here builds a chart or computes the index: it reads the result's frames.
"""

from __future__ import annotations

import polars as pl

from gdindex.pipeline import IndexResult, NodeInfo
from gdindex.spec import GroupSpec, Period


def unit_names(result: IndexResult, lang: str = "zh") -> dict[str, str]:
    """Short display name of every unit in `lang` (the other language, then the id,
    as fallbacks)."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    out = {}
    for row in result.units.iter_rows(named=True):
        out[row["unit"]] = row.get(first) or row.get(second) or row["unit"]
    return out


def node_name(node: NodeInfo, lang: str = "zh") -> str:
    """A node's label in `lang`, falling back to the other language and the id."""
    return node.name(lang)


def pillar_nodes(result: IndexResult) -> list[NodeInfo]:
    """The root's children that are aggregates (all its children if none are)."""
    kids = [n for n in result.nodes if n.depth == 1]
    inner = [n for n in kids if n.kind != "indicator"]
    return inner or kids


def groupings(result: IndexResult) -> list[GroupSpec]:
    """The spec's grouping columns that have group aggregates."""
    units = result.spec.units
    if units is None or result.groups.height == 0:
        return []
    present = set(result.groups["group_by"].unique().to_list())
    return [g for g in units.groups if g.column in present]


def ranked_units(result: IndexResult, period: Period) -> list[str]:
    """Units by the index rank of `period` (unranked last, then by id)."""
    root = result.nodes[0].id
    rows = result.scores.filter(
        (pl.col("node") == root) & (pl.col("period") == period)
    ).select("unit", "rank")
    rank = dict(zip(rows["unit"].to_list(), rows["rank"].to_list(), strict=True))
    units = result.units["unit"].to_list()
    return sorted(units, key=lambda u: (rank.get(u) is None, rank.get(u) or 0, u))


def period_scores(
    result: IndexResult, period: Period, nodes: list[str]
) -> pl.DataFrame:
    """`unit, node, score, rank, change, growth_pct, rank_change` of `nodes` in
    `period`."""
    return result.scores.filter(
        (pl.col("period") == period) & pl.col("node").is_in(nodes)
    ).select("unit", "node", "score", "rank", "change", "growth_pct", "rank_change")


def _group_domain(g: GroupSpec, values: list[str | None], lang: str) -> list[str]:
    """Group labels in declared order, then any undeclared ones sorted."""
    declared = [g.label(k, lang) for k in g.labels]
    seen = {g.label(v, lang) for v in values if v is not None}
    return [d for d in declared if d in seen] + sorted(seen - set(declared))


def _score_domain(scores: pl.Series) -> tuple[float, float]:
    """[0, 100] for scores inside it (min-max style), else the data's range."""
    lo = float(scores.min()) if scores.len() else 0.0  # type: ignore[arg-type]
    hi = float(scores.max()) if scores.len() else 100.0  # type: ignore[arg-type]
    if lo >= 0.0 and hi <= 100.0:
        return 0.0, 100.0
    if hi <= lo:
        return lo - 1.0, hi + 1.0
    return lo, hi
