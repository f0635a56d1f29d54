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
_POSITIVE_ZH = (
    "请标准化到正值区间，例如 normalise: {method: minmax, range: [1, 100]}，"
    "或改看得分变化量（`change`）"
)
_QUADRANT_FIX = "set quadrant: {growth: change} to place units by their score change"
_QUADRANT_FIX_ZH = "请设置 quadrant: {growth: change}，按得分变化量划分象限"


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
            message_zh=f"上期得分 ≤ 0 时增速无定义，因此有 {_n(cells)} 个值"
            f"（及其子节点的贡献）按缺失处理：{names.cells(cells, lang='zh')}",
            hint_zh=f"{_POSITIVE_ZH}；{_QUADRANT_FIX_ZH}",
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
            message_zh=f"{periods[0]} 年得分 ≤ 0 时 {periods[0]}–{periods[-1]} "
            f"年均增速无定义，因此有 {_n(cells)} 个值按缺失处理："
            f"{names.cells(cells[:, :, None], with_period=False, lang='zh')}",
            hint_zh=_POSITIVE_ZH,
        )
    if gap[indicator].any() or first[indicator].any():
        at = indicator & (gap.any(axis=(1, 2)) | first.any(axis=1))
        ids = [nodes[n].id for n in np.flatnonzero(at).tolist()]
        floor = _zero_floor(spec, ids)
        shown = names.cells(gap & indicator[:, None, None], what="indicators")
        shown_zh = names.cells(
            gap & indicator[:, None, None], what="indicators", lang="zh"
        )
        log.warn(
            "scores: growth_pct",
            f"growth % ({_values(gap[indicator], verb=False)}) and CAGR "
            f"({_values(first[indicator], verb=False)}) of normalised indicator "
            f"scores are left missing where the earlier score is ≤ 0{floor}, at "
            f"{int(at.sum())} indicators: {shown}",
            _POSITIVE,
            "indicator-growth-zero-base",
            message_zh="标准化后的指标得分在前期 ≤ 0 时，其增速"
            f"（{_n(gap[indicator])} 个值）和年均增速（{_n(first[indicator])} 个值）"
            f"按缺失处理{_zero_floor(spec, ids, 'zh')}，涉及 {int(at.sum())} 个指标："
            f"{shown_zh}",
            hint_zh=_POSITIVE_ZH,
        )
    _quadrant_gaps(spec, names, S, log)
    _group_gaps(groups, log)
    _signed_scores(spec, names, S, log)


def _zero_floor(spec: IndexSpec, ids: Sequence[str], lang: str = "en") -> str:
    """Why scores of 0 are common: a min-max range starting at 0 or below."""
    inds = spec.indicator_map
    for i in ids:
        p = spec.normalise_for(inds[i])
        if p.method == "minmax" and p.range[0] <= 0:
            lo, hi = (f"{v:g}" for v in p.range)
            if lang == "zh":
                return f"（极差标准化到 [{lo}, {hi}] 时，范围内的最小值得 {lo} 分）"
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

    def node(self, n: int, lang: str = "en") -> str:
        node = self.nodes[n]
        indicator = node.kind == "indicator"
        if lang == "zh":
            return f"{'指标' if indicator else '节点'} '{node.id}'"
        return f"{'indicator' if indicator else 'node'} '{node.id}'"

    def cells(
        self,
        mask: np.ndarray,
        with_period: bool = True,
        what: str = "nodes",
        lang: str = "en",
    ) -> str:
        """`node 'idx': A 2022, B 2022; indicator 'i1': …` for a `[node, unit, …]`
        mask (the period is named when `with_period`), in `lang`."""
        zh = lang == "zh"
        parts = []
        for n in self.order:
            if not mask[n].any():
                continue
            u, p = np.nonzero(mask[n])
            items = [
                f"{self.units[i]} {self.periods[t]}" if with_period else self.units[i]
                for i, t in zip(u.tolist(), p.tolist(), strict=True)
            ]
            colon = "：" if zh else ": "
            parts.append(
                f"{self.node(n, lang)}{colon}{_capped(items, _CELLS, lang=lang)}"
            )
        return _capped(parts, _NODES, sep="；" if zh else "; ", what=what, lang=lang)

    def node_list(self, which: Sequence[int], lang: str = "en") -> str:
        return _capped(
            [self.node(n, lang) for n in self.order if n in which], _NODES, lang=lang
        )


def _count(mask: np.ndarray, noun: str) -> str:
    n = int(np.count_nonzero(mask))
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _n(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def _values(mask: np.ndarray, verb: bool = True) -> str:
    """`1 value is` / `3 values are` (without the verb when `verb` is False)."""
    n = int(np.count_nonzero(mask))
    text = _count(mask, "value")
    return text if not verb else f"{text} {'is' if n == 1 else 'are'}"


#: The things `_capped` counts, in Chinese.
_WHAT_ZH = {"indicators": "个指标", "nodes": "个节点", "": "项"}


def _capped(
    items: list[str], limit: int, sep: str = ", ", what: str = "", lang: str = "en"
) -> str:
    shown = sep.join(items[:limit])
    if len(items) > limit:
        more = len(items) - limit
        if lang == "zh":
            shown += f"{sep}…（另 {more} {_WHAT_ZH.get(what, '项')}）"
        else:
            shown += f"{sep}… ({more} more{' ' + what if what else ''})"
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
    for mask, why, fix, why_zh, fix_zh in (
        (
            zero,
            "growth % is undefined (previous score ≤ 0)",
            _QUADRANT_FIX,
            "增速无定义（上期得分 ≤ 0）",
            _QUADRANT_FIX_ZH,
        ),
        (
            no_previous,
            "there is no previous score to grow from",
            "give the unit data in both periods, or impute them (e.g. impute: "
            "{method: locf})",
            "没有上期得分可供计算增速",
            "请给该地区补齐两期的数据，或做插补（例如 impute: {method: locf}）",
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
                message_zh=f"{_n(mask)} 个有得分的地区因{why_zh}而没有象限："
                f"{names.cells(mask, lang='zh')}",
                hint_zh=fix_zh,
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
        message_zh=f"分组上期均值 ≤ 0 时其增速无定义，因此有 {gaps.height} 个值按缺失"
        f"处理：{_capped(items, _CELLS * 2, lang='zh')}",
        hint_zh=_POSITIVE_ZH,
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
    why_zh = "（Z 分数以 0 为中心）" if zscore else ""
    log.warn(
        "scores: growth_pct",
        f"growth % is taken of scores that can be negative{why}, where it means "
        f"nothing: a base near 0 gives rates like +4800 %, and a rise from −2 to −1 "
        f"reads as −50 %: {names.node_list(negative)}",
        "read the score change (`change`) and set quadrant: {growth: change}, or "
        "normalise onto a positive scale (zscore with mean: 100, sd: 10, or minmax "
        "with range: [1, 100])",
        "growth-of-signed-scores",
        message_zh=f"对可能为负的得分{why_zh}计算增速没有意义：基数接近 0 时会得出 "
        "+4800 % 这样的增速，从 −2 升到 −1 却显示为 −50 %："
        f"{names.node_list(negative, 'zh')}",
        hint_zh="请看得分变化量（`change`）并设置 quadrant: {growth: change}，"
        "或标准化到正值区间（zscore 取 mean: 100, sd: 10，或 minmax 取 "
        "range: [1, 100]）",
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
            weight = spec.units.group_weight
            log.warn(
                f"units: column '{weight}'",
                f"every unit of group '{row['group']}' ({g.column}) has weight 0: "
                f"{_capped(row['unit'], _CELLS * 2)}, so the group has no mean score "
                "(n_units 0) in groups.csv",
                f"give at least one of them a weight > 0 in "
                f"'{weight}', or drop units.group_weight for plain "
                "means",
                "group-zero-weight",
                message_zh=f"分组 '{row['group']}'（{g.column}）的所有地区权重均为 0："
                f"{_capped(row['unit'], _CELLS * 2, lang='zh')}，因此该组在 "
                "groups.csv 中没有平均得分（n_units 为 0）",
                hint_zh=f"请在 '{weight}' 中至少给其中一个地区 > 0 的权重，"
                "或删去 units.group_weight 改用简单平均",
                where_zh=f"units：列 '{weight}'",
            )
