"""Warnings for values that the rules of DESIGN §4.5 leave missing (silent gaps).

`growth_pct` is missing where the previous score is ≤ 0, CAGR where the first score is
≤ 0, a group's growth where its previous mean is ≤ 0, a unit gets no quadrant when
its growth axis is missing, and a group whose units all weigh 0 has no mean. None of
these may be silent: each becomes one warning naming the nodes, units, groups and
periods, and saying what to use instead. Growth % of scores that can be negative
(z-scores are centred on 0) is defined but means nothing, and is warned about too.
This module never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from gdindex.errors import IssueLog
from gdindex.methods import growth
from gdindex.spec import IndexSpec, Period

if TYPE_CHECKING:
    from gdindex.pipeline.result import NodeInfo

#: Codes of the warnings about the growth of computed scores (not about the data).
GROWTH_CODES = frozenset(
    {
        "growth-zero-base",
        "cagr-zero-base",
        "indicator-growth-zero-base",
        "group-growth-zero-base",
        "quadrant-missing",
        "growth-of-signed-scores",
    }
)

#: Nodes and cells named in a message before "… (n more)".
_NODES, _CELLS = 4, 3

_POSITIVE = (
    "normalise onto a positive range, e.g. normalise: {method: minmax, "
    "range: [1, 100]}, or read the score change (`change`) instead"
)
_QUADRANT_FIX = "set quadrant: {growth: change} to place units by their score change"


def gap_warnings(
    spec: IndexSpec,
    nodes: Sequence[NodeInfo],
    units: Sequence[str],
    periods: Sequence[Period],
    S: np.ndarray,
    groups: pl.DataFrame,
    unit_table: pl.DataFrame,
    log: IssueLog,
) -> None:
    """Warn about every value left missing by a rule, and about growth % of scores
    that can be negative.

    Args:
        spec: the spec (its quadrant axis, groups and group weights).
        nodes: the nodes of `S`, in order.
        units, periods: the units and periods of `S`.
        S: scores `[node, unit, period]`.
        groups: the group aggregates (`group_by, group, period, node, score, …`).
        unit_table: the units (`unit`, `group:<column>`, `group_weight`).
        log: where the warnings go.
    """
    _zero_weight_groups(spec, unit_table, log)
    if len(periods) < 2:
        return
    names = _Names(nodes, units, periods)
    indicator = np.array([n.kind == "indicator" for n in nodes])
    gap = growth.zero_base(S)  # [node, unit, period]
    first = growth.cagr_zero_base(S)  # [node, unit]
    if gap[~indicator].any():
        cells = gap & ~indicator[:, None, None]
        log.warn(
            "scores: growth_pct",
            f"growth % is undefined where the previous score is ≤ 0, so "
            f"{_values(cells)} left missing, with the children's contributions: "
            f"{names.cells(cells)}",
            f"{_POSITIVE}; {_QUADRANT_FIX}",
            "growth-zero-base",
        )
    if first[~indicator].any():
        cells = first & ~indicator[:, None]
        log.warn(
            "cagr",
            f"CAGR {periods[0]}–{periods[-1]} is undefined where the {periods[0]} "
            f"score is ≤ 0, so {_values(cells)} left missing: "
            f"{names.cells(cells[:, :, None], with_period=False)}",
            _POSITIVE,
            "cagr-zero-base",
        )
    if gap[indicator].any() or first[indicator].any():
        at = indicator & (gap.any(axis=(1, 2)) | first.any(axis=1))
        floor = _zero_floor(spec, [nodes[n].id for n in np.flatnonzero(at).tolist()])
        log.warn(
            "scores: growth_pct",
            f"growth % ({_values(gap[indicator], verb=False)}) and CAGR "
            f"({_values(first[indicator], verb=False)}) of normalised indicator "
            f"scores are left missing where the earlier score is ≤ 0{floor}, at "
            f"{int(at.sum())} indicators: "
            f"{names.cells(gap & indicator[:, None, None], what='indicators')}",
            _POSITIVE,
            "indicator-growth-zero-base",
        )
    _quadrant_gaps(spec, names, S, log)
    _group_gaps(groups, log)
    _signed_scores(spec, names, S, log)


def _zero_floor(spec: IndexSpec, ids: Sequence[str]) -> str:
    """Why scores of 0 are common: a min-max range starting at 0 or below."""
    inds = spec.indicator_map
    for i in ids:
        p = spec.normalise_for(inds[i])
        if p.method == "minmax" and p.range[0] <= 0:
            lo, hi = (f"{v:g}" for v in p.range)
            return f" (min-max onto [{lo}, {hi}] gives the scope minimum {lo})"
    return ""


class _Names:
    """Names nodes and cells in messages: composites first, capped lists."""

    def __init__(
        self,
        nodes: Sequence[NodeInfo],
        units: Sequence[str],
        periods: Sequence[Period],
    ) -> None:
        self.nodes, self.units, self.periods = nodes, units, periods
        kinds = [n.kind == "indicator" for n in nodes]
        self.order = sorted(range(len(nodes)), key=lambda n: kinds[n])

    def node(self, n: int) -> str:
        node = self.nodes[n]
        return f"{'indicator' if node.kind == 'indicator' else 'node'} '{node.id}'"

    def cells(
        self, mask: np.ndarray, with_period: bool = True, what: str = "nodes"
    ) -> str:
        """`node 'idx': A 2022, B 2022; indicator 'i1': …` for a `[node, unit, …]`
        mask (the period is named when `with_period`)."""
        parts = []
        for n in self.order:
            if not mask[n].any():
                continue
            u, p = np.nonzero(mask[n])
            items = [
                f"{self.units[i]} {self.periods[t]}" if with_period else self.units[i]
                for i, t in zip(u.tolist(), p.tolist(), strict=True)
            ]
            parts.append(f"{self.node(n)}: {_capped(items, _CELLS)}")
        return _capped(parts, _NODES, sep="; ", what=what)

    def node_list(self, which: Sequence[int]) -> str:
        return _capped([self.node(n) for n in self.order if n in which], _NODES)


def _count(mask: np.ndarray, noun: str) -> str:
    n = int(np.count_nonzero(mask))
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _values(mask: np.ndarray, verb: bool = True) -> str:
    """`1 value is` / `3 values are` (without the verb when `verb` is False)."""
    n = int(np.count_nonzero(mask))
    text = _count(mask, "value")
    return text if not verb else f"{text} {'is' if n == 1 else 'are'}"


def _capped(items: list[str], limit: int, sep: str = ", ", what: str = "") -> str:
    shown = sep.join(items[:limit])
    if len(items) > limit:
        shown += f"{sep}… ({len(items) - limit} more{' ' + what if what else ''})"
    return shown


def _quadrant_gaps(
    spec: IndexSpec, names: _Names, S: np.ndarray, log: IssueLog
) -> None:
    """Units scored in a period (from the second) that get no quadrant."""
    composite = np.array([n.kind != "indicator" for n in names.nodes])
    present = ~np.isnan(S)
    no_previous = np.zeros(S.shape, dtype=bool)
    no_previous[..., 1:] = present[..., 1:] & ~present[..., :-1]
    pct = spec.quadrant.growth == "pct"
    zero = growth.zero_base(S) if pct else np.zeros(S.shape, dtype=bool)
    for mask, why, fix in (
        (zero, "growth % is undefined (previous score ≤ 0)", _QUADRANT_FIX),
        (
            no_previous,
            "there is no previous score to grow from",
            "give the unit data in both periods, or impute them (e.g. impute: "
            "{method: locf})",
        ),
    ):
        mask = mask & composite[:, None, None]
        if mask.any():
            log.warn(
                "quadrants",
                f"{_count(mask, 'scored unit')} "
                f"{'gets' if np.count_nonzero(mask) == 1 else 'get'} no quadrant "
                f"because {why}: "
                f"{names.cells(mask)}",
                fix,
                "quadrant-missing",
            )


def _group_gaps(groups: pl.DataFrame, log: IssueLog) -> None:
    """Group growth % left missing where the group's previous mean is ≤ 0."""
    if groups.height == 0:
        return
    keys = ["group_by", "group", "node"]
    # rows run group by group, node by node, periods in time order
    gaps = groups.with_columns(_prev=pl.col("score").shift(1).over(keys)).filter(
        pl.col("_prev").is_not_null()
        & (pl.col("_prev") <= 0)
        & pl.col("score").is_not_null()
    )
    if gaps.height == 0:
        return
    items = [
        f"{r['group_by']}={r['group']} {r['node']} {r['period']}"
        for r in gaps.iter_rows(named=True)
    ]
    log.warn(
        "groups: growth_pct",
        f"a group's growth % is undefined where its previous mean is ≤ 0, so "
        f"{_values(np.ones(gaps.height))} left missing: {_capped(items, _CELLS * 2)}",
        _POSITIVE,
        "group-growth-zero-base",
    )


def _signed_scores(
    spec: IndexSpec, names: _Names, S: np.ndarray, log: IssueLog
) -> None:
    """Growth % of scores that can be negative is defined but meaningless."""
    with np.errstate(invalid="ignore"):
        negative = [n for n in range(S.shape[0]) if bool((S[n] < 0).any())]
    if not negative:
        return
    zscore = any(spec.normalise_for(ind).method == "zscore" for ind in spec.indicators)
    why = " (z-scores are centred on 0)" if zscore else ""
    log.warn(
        "scores: growth_pct",
        f"growth % is taken of scores that can be negative{why}, where it means "
        f"nothing: a base near 0 gives rates like +4800 %, and a rise from −2 to −1 "
        f"reads as −50 %: {names.node_list(negative)}",
        "read the score change (`change`) and set quadrant: {growth: change}, or "
        "normalise onto a positive scale (zscore with mean: 100, sd: 10, or minmax "
        "with range: [1, 100])",
        "growth-of-signed-scores",
    )


def _zero_weight_groups(spec: IndexSpec, table: pl.DataFrame, log: IssueLog) -> None:
    """Groups whose units all have group weight 0 have no weighted mean."""
    if spec.units is None or "group_weight" not in table.columns:
        return
    weights = table["group_weight"].fill_null(0.0)
    for g in spec.units.groups:
        column = f"group:{g.column}"
        if column not in table.columns:
            continue
        frame = pl.DataFrame(
            {"group": table[column], "unit": table["unit"], "w": weights}
        )
        empty = (
            frame.filter(pl.col("group").is_not_null() & (pl.col("group") != ""))
            .group_by("group", maintain_order=True)
            .agg(pl.col("unit"), total=pl.col("w").sum())
            .filter(pl.col("total") <= 0)
        )
        for row in empty.iter_rows(named=True):
            log.warn(
                f"units: column '{spec.units.group_weight}'",
                f"every unit of group '{row['group']}' ({g.column}) has weight 0: "
                f"{_capped(row['unit'], _CELLS * 2)}, so the group has no mean score "
                "(n_units 0) in groups.csv",
                f"give at least one of them a weight > 0 in "
                f"'{spec.units.group_weight}', or drop units.group_weight for plain "
                "means",
                "group-zero-weight",
            )
