"""Why a unit stands where it does (DESIGN §9.2): `explain(spec | result, unit)`.

For one unit and period (default: the latest):

- `nodes`: every node (pre-order) with the unit's `score`, `rank` (1 = highest),
  `change` (score − previous period's), `rank_change` (positive = moved up), the
  `reference` score and the `gap` (score − reference);
- `contributions`: every indicator with its `effective_weight` in this unit's index
  (the product of the rescaled weights along its path; at an arithmetic node a
  missing child's weight is shared among the present ones, as the aggregation
  does), its `normalised` score, `contribution = effective_weight · normalised`,
  the reference unit(s)' contribution and `gap_contribution = contribution −
  reference contribution`, sorted by `gap_contribution` (what holds the unit back
  first; ties by the unit's rank on the indicator, worst first). For an
  all-arithmetic tree the contributions sum to the index score and the gap
  contributions to the gap: each is the same identity for every unit. At a
  geometric, harmonic, power-mean or TOPSIS node they are the linear
  (weighted-mean) reading and do not add up exactly (`additive` is False);
- `strongest`, `weakest`: the indicators where the unit ranks best and worst
  (never the same indicator in both, never one on which every unit ties);
- `history`: the unit's index and pillar scores and ranks in every period.

The reference (`vs`) is `median` — the median unit of the index score in the
period (for an even count, the mean of the two middle units), so that `gap` is
exactly the unit's score minus the median score — or a group: the mean of the
units whose grouping column has that value (a value or label of any grouping
column, e.g. `珠三角` or `PRD`; `column=value` to pick the column).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis.common import AnalysisError, Tree, choose_period, score_cube
from gdindex.errors import Bilingual, Issue
from gdindex.io import json_records
from gdindex.methods.growth import ranks
from gdindex.pipeline import IndexResult, NodeInfo, compute
from gdindex.spec import IndexSpec, Period, load_spec

SHOWN = 3
"""How many strongest and weakest indicators are listed."""


@dataclass
class Explanation:
    """Why one unit stands where it does (see the module docstring).

    Attributes:
        unit: the unit id; `name_zh`, `name_en` its names.
        period: the period explained.
        vs: `median` or the group (`column=value`); `reference_units` the units the
            reference is made of; `reference_label` how to call it.
        additive: every aggregate node is arithmetic, so the contributions add up.
        nodes, contributions, history: polars frames; `strongest`, `weakest`
            indicator rows (`indicator, normalised, rank`).
        notes: what the reader should know about how the unit was found (an id
            that is also another unit's name).
    """

    unit: str
    name_zh: str
    name_en: str
    period: Period
    vs: str
    reference_label: dict[str, str]
    reference_units: list[str]
    additive: bool
    n_units: int
    nodes: pl.DataFrame
    contributions: pl.DataFrame
    strongest: pl.DataFrame
    weakest: pl.DataFrame
    history: pl.DataFrame
    node_info: list[NodeInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def name(self, lang: str = "zh") -> str:
        first, second = (
            (self.name_zh, self.name_en)
            if lang == "zh"
            else (self.name_en, self.name_zh)
        )
        return first or second or self.unit

    def node_name(self, node: str, lang: str = "zh") -> str:
        for n in self.node_info:
            if n.id == node:
                first, second = (
                    (n.name_zh, n.name_en) if lang == "zh" else (n.name_en, n.name_zh)
                )
                return first or second or node
        return node

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: `unit, period, nodes, contributions` (§9.2) and more.

        Always complete: every node and every indicator (the CLI's `--top` shortens
        the printed table only)."""
        return {
            "unit": self.unit,
            "name": {"zh": self.name_zh, "en": self.name_en},
            "period": self.period,
            "vs": self.vs,
            "reference": {
                "label": self.reference_label,
                "units": self.reference_units,
            },
            "additive": self.additive,
            "n_units": self.n_units,
            "nodes": json_records(self.nodes),
            "contributions": json_records(self.contributions),
            "strongest": json_records(self.strongest),
            "weakest": json_records(self.weakest),
            "history": json_records(self.history),
            "notes": self.notes,
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


def find_unit(units: pl.DataFrame, text: str) -> int:
    """Row of a unit given by id or by its Chinese or English name (`resolve_unit`
    without the note)."""
    return resolve_unit(units, text)[0]


def _unit_label(units: pl.DataFrame, row: int) -> str:
    names = [_cell(units, c, row) for c in ("name_zh", "name_en")]
    shown = ", ".join(n for n in dict.fromkeys(names) if n)
    unit = units["unit"][row]
    return f"{unit} ({shown})" if shown else str(unit)


def resolve_unit(units: pl.DataFrame, text: str) -> tuple[int, str | None]:
    """Row of a unit given by id or by its Chinese or English name (English case
    insensitively), and a note when the choice needs saying.

    An exact id wins; when the text is also another unit's name, the note says
    which unit was chosen and how to get the other. A name two units share is an
    error listing them.

    Raises:
        AnalysisError: no such unit (with the closest ids and names), or a name
            shared by several units (with their ids and names).
    """
    key = text.strip()
    ids = [str(v) for v in units["unit"].to_list()]
    zh = units["name_zh"].to_list() if "name_zh" in units.columns else []
    en = units["name_en"].to_list() if "name_en" in units.columns else []
    named = [
        i
        for i in range(len(ids))
        if (i < len(zh) and zh[i] == key)
        or (i < len(en) and en[i] is not None and str(en[i]).lower() == key.lower())
    ]
    if key in ids:
        row = ids.index(key)
        others = [i for i in named if i != row]
        if not others:
            return row, None
        listed = "; ".join(_unit_label(units, i) for i in others)
        return row, Bilingual(
            f"{key!r} is the id of {_unit_label(units, row)} and also the name of "
            f"{listed}: explaining {ids[row]} (give the other's id to explain it)",
            f"{key!r} 既是 {_unit_label(units, row)} 的 id，也是 {listed} 的名称："
            f"现解读 {ids[row]}（如需解读另一个，请给出其 id）",
        )
    if len(named) == 1:
        return named[0], None
    if named:
        listed = "; ".join(_unit_label(units, i) for i in named)
        raise AnalysisError(
            f"unit name {key!r} is ambiguous",
            [
                Issue(
                    "UNIT",
                    f"{len(named)} units are called {key!r}: {listed}",
                    "give the unit id instead, e.g. "
                    + " or ".join(repr(ids[i]) for i in named),
                    message_zh=f"有 {len(named)} 个地区名为 {key!r}：{listed}",
                    hint_zh="请改为给出地区 id，例如 "
                    + " 或 ".join(repr(ids[i]) for i in named),
                )
            ],
            message_zh=f"地区名称 {key!r} 有歧义",
        )
    names = [str(v) for v in dict.fromkeys(ids + zh + en) if v]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.4)
    guess = ", ".join(repr(c) for c in close)
    hint = f"did you mean {guess}? " if close else ""
    raise AnalysisError(
        f"unknown unit {key!r}",
        [
            Issue(
                "UNIT",
                f"no unit has the id or name {key!r}",
                f"{hint}give a unit id or name",
                message_zh=f"没有 id 或名称为 {key!r} 的地区",
                hint_zh=(f"是否想写 {guess}？" if close else "")
                + "请给出地区 id 或名称",
            )
        ],
        message_zh=f"未知的地区 {key!r}",
    )


def _group_rows(result: IndexResult, vs: str) -> tuple[list[int], dict[str, str], str]:
    """Rows of the units of group `vs`, its labels, and `column=value`.

    Raises:
        AnalysisError: no grouping column has the value, or several do (listing
            them, with the hint to write `column=value`).
    """
    column, _, value = vs.partition("=") if "=" in vs else ("", "", vs)
    table = result.units
    groups = result.spec.units.groups if result.spec.units else []
    known = []
    found: list[tuple[list[int], dict[str, str], str]] = []
    for g in groups:
        if column and g.column != column.strip():
            continue
        name = f"group:{g.column}"
        if name not in table.columns:
            continue
        values = table[name].to_list()
        for raw in dict.fromkeys(v for v in values if v is not None):
            label = g.labels.get(raw) if g.labels else None
            names = {raw, *(label.zh, label.en)} if label else {raw}
            known.append(f"{g.column}={raw}")
            if value.strip() in {n for n in names if n} or (
                label and label.en and value.strip().lower() == label.en.lower()
            ):
                rows = [i for i, v in enumerate(values) if v == raw]
                labels = {
                    "zh": (label.zh if label else None) or raw,
                    "en": (label.en if label else None) or raw,
                }
                found.append((rows, labels, f"{g.column}={raw}"))
    if len(found) == 1:
        return found[0]
    if found:
        keys = [key for _, _, key in found]
        raise AnalysisError(
            f"group {vs!r} is ambiguous",
            [
                Issue(
                    "--vs",
                    f"{len(found)} grouping columns have the value {vs!r}: "
                    + ", ".join(keys),
                    "write column=value, e.g. --vs " + " or --vs ".join(keys),
                    message_zh=f"有 {len(found)} 个分组列含有值 {vs!r}："
                    + ", ".join(keys),
                    hint_zh="请写成 列=值，例如 --vs " + " 或 --vs ".join(keys),
                )
            ],
            message_zh=f"分组 {vs!r} 有歧义",
        )
    raise AnalysisError(
        f"unknown group {vs!r}",
        [
            Issue(
                "--vs",
                f"no grouping column has the value {vs!r}",
                "use median, or one of: " + (", ".join(known) or "(no groups)"),
                message_zh=f"没有哪个分组列含有值 {vs!r}",
                hint_zh="请使用 median，或以下之一："
                + (", ".join(known) or "（无分组）"),
            )
        ],
        message_zh=f"未知的分组 {vs!r}",
    )


def explain(
    source: IndexSpec | IndexResult | str | Path,
    unit: str,
    period: Period | None = None,
    *,
    vs: str = "median",
) -> Explanation:
    """Explain the standing of `unit` (id or name) in `period` (default: latest).

    Raises:
        SpecError, DataError: computing the index failed.
        AnalysisError: unknown unit, period or group; the unit has no index score
            in the period.
    """
    if isinstance(source, IndexResult):
        result = source
    else:
        result = compute(source if isinstance(source, IndexSpec) else load_spec(source))
    row, note = resolve_unit(result.units, unit)
    chosen = choose_period(result, period)
    p = result.periods.index(chosen)
    tree = Tree(result.nodes)
    cube = score_cube(result)  # [node, unit, period]
    S = cube[:, :, p]
    root = tree.pos[tree.root]
    if not np.isfinite(S[root, row]):
        raise AnalysisError(
            f"unit {result.units['unit'][row]!r} has no index score in {chosen}",
            [
                Issue(
                    "UNIT",
                    "its index score is missing",
                    "choose another --period",
                    message_zh="其总指数得分缺失",
                    hint_zh="请换一个 --period",
                )
            ],
            message_zh=f"地区 {result.units['unit'][row]!r} 在 {chosen} 没有总指数得分",
        )
    scored = np.flatnonzero(np.isfinite(S[root]))
    if vs == "median":
        order = scored[np.argsort(S[root, scored], kind="stable")]
        mid = len(order) // 2
        ref_rows = (
            [int(order[mid])]
            if len(order) % 2
            else [int(order[mid - 1]), int(order[mid])]
        )
        labels, vs_key = {"zh": "中位数", "en": "median"}, "median"
    else:
        rows, labels, vs_key = _group_rows(result, vs)
        ref_rows = [r for r in rows if r in set(scored.tolist())]
    weights = _unit_weights(result, tree, S)  # [indicator, unit]
    frames = _Frames(result, tree, cube, p, row, ref_rows, weights)
    arithmetic = all(
        n.method == "arithmetic" for n in result.nodes if n.kind != "indicator"
    )
    units = result.units
    return Explanation(
        unit=units["unit"][row],
        name_zh=_cell(units, "name_zh", row),
        name_en=_cell(units, "name_en", row),
        period=chosen,
        vs=vs_key,
        reference_label=labels,
        reference_units=[units["unit"][r] for r in ref_rows],
        additive=arithmetic,
        n_units=len(scored),
        nodes=frames.nodes(),
        contributions=frames.contributions(),
        strongest=frames.extremes(best=True),
        weakest=frames.extremes(best=False),
        history=frames.history(),
        node_info=result.nodes,
        notes=[note] if note else [],
    )


def _cell(table: pl.DataFrame, column: str, row: int) -> str:
    if column not in table.columns:
        return ""
    value = table[column][row]
    return "" if value is None else str(value)


def _unit_weights(result: IndexResult, tree: Tree, S: np.ndarray) -> np.ndarray:
    """Effective weight of every indicator (tree order) for every unit: weights
    rescaled among the children present, multiplied along the path."""
    nominal = dict(
        zip(
            result.weights["node"].to_list(),
            result.weights["weight"].to_list(),
            strict=True,
        )
    )
    n_units = S.shape[1]
    out = {tree.root: np.ones(n_units)}
    for node in tree.nodes:  # pre-order: a parent before its children
        kids = tree.children[node.id]
        if not kids:
            continue
        w = np.array([nominal.get(k) or 0.0 for k in kids])[:, None]
        present = np.isfinite(np.stack([S[tree.pos[k]] for k in kids]))
        share = np.where(present, w, 0.0)
        total = share.sum(axis=0)
        share = np.divide(share, total, out=np.zeros_like(share), where=total > 0)
        for i, k in enumerate(kids):
            out[k] = out[node.id] * share[i]
    return np.stack([out[i] for i in tree.indicators])


class _Frames:
    def __init__(
        self,
        result: IndexResult,
        tree: Tree,
        cube: np.ndarray,
        p: int,
        row: int,
        ref_rows: list[int],
        weights: np.ndarray,
    ):
        self.result, self.tree, self.cube = result, tree, cube
        self.p, self.row, self.ref = p, row, ref_rows
        self.weights = weights
        scores = result.scores.filter(pl.col("unit") == result.units["unit"][row])
        self.rows = {r["node"]: r for r in scores.iter_rows(named=True)}
        self.by_period = {
            (r["node"], r["period"]): r for r in scores.iter_rows(named=True)
        }
        self.period = result.periods[p]

    def _ref(self, values: np.ndarray) -> float:
        picked = values[self.ref]
        return float(np.mean(picked)) if len(picked) else float("nan")

    def nodes(self) -> pl.DataFrame:
        out = []
        S = self.cube[:, :, self.p]
        for n in self.tree.nodes:
            r = self.by_period.get((n.id, self.period), {})
            score = S[self.tree.pos[n.id], self.row]
            ref = self._ref(S[self.tree.pos[n.id]])
            out.append(
                {
                    "node": n.id,
                    "kind": n.kind,
                    "depth": n.depth,
                    "score": _f(score),
                    "rank": r.get("rank"),
                    "change": r.get("change"),
                    "rank_change": r.get("rank_change"),
                    "growth_pct": r.get("growth_pct"),
                    "reference": _f(ref),
                    "gap": _f(score - ref),
                }
            )
        return pl.DataFrame(out, schema=_NODE_SCHEMA)

    def contributions(self) -> pl.DataFrame:
        S = self.cube[:, :, self.p]
        out = []
        for i, ind in enumerate(self.tree.indicators):
            x = S[self.tree.pos[ind]]
            c = np.where(np.isfinite(x), self.weights[i] * np.nan_to_num(x), 0.0)
            ref_x = self._ref(x)
            out.append(
                {
                    "indicator": ind,
                    "parent": self.tree.info[ind].parent,
                    "effective_weight": float(self.weights[i, self.row]),
                    "normalised": _f(x[self.row]),
                    "contribution": float(c[self.row]),
                    "reference_normalised": _f(ref_x),
                    "reference_contribution": self._ref(c),
                    "gap_contribution": float(c[self.row]) - self._ref(c),
                    "rank": self.by_period.get((ind, self.period), {}).get("rank"),
                }
            )
        frame = pl.DataFrame(out, schema=_CONTRIBUTION_SCHEMA)
        # ties (e.g. against itself as the median unit): the worst ranks first
        return frame.sort(
            ["gap_contribution", "rank", "indicator"],
            descending=[False, True, False],
            nulls_last=True,
        )

    def extremes(self, best: bool) -> pl.DataFrame:
        """The `SHOWN` indicators where the unit ranks best (or worst): never one
        on which every unit ties (no indicator is strongest where all are first),
        and never the same one in both lists — with `k` indicators to choose from,
        the strongest are the best `ceil(k/2)` at most, the weakest the worst
        `floor(k/2)` at most, both cut from one order (rank, then indicator id)."""
        ranked = self.contributions().drop_nulls("rank")
        ranked = ranked.filter(~pl.col("indicator").is_in(self._all_tied()))
        ranked = ranked.sort(["rank", "indicator"])
        k = ranked.height  # one order, split: the two lists cannot share a row
        if best:
            picked = ranked.head(min(SHOWN, (k + 1) // 2))
        else:
            picked = ranked.tail(min(SHOWN, k // 2)).reverse()
        return picked.select("indicator", "normalised", "rank")

    def _all_tied(self) -> list[str]:
        """Indicators on which every unit with a value shares rank 1 in the period."""
        R = ranks(self.cube[:, :, self.p : self.p + 1])[:, :, 0]  # as the result's
        out = []
        for ind in self.tree.indicators:
            r = R[self.tree.pos[ind]]
            if np.isfinite(r).any() and np.nanmax(r) == 1:
                out.append(ind)
        return out

    def history(self) -> pl.DataFrame:
        keep = [n for n in self.tree.nodes if n.depth <= 1]
        rows = []
        for period in self.result.periods:
            for n in keep:
                r = self.by_period.get((n.id, period), {})
                rows.append(
                    {
                        "period": period,
                        "node": n.id,
                        "score": r.get("score"),
                        "rank": r.get("rank"),
                        "growth_pct": r.get("growth_pct"),
                        "rank_change": r.get("rank_change"),
                    }
                )
        schema: dict[str, Any] = {
            "period": self.result.scores.schema["period"],
            "node": pl.String,
            "score": pl.Float64,
            "rank": pl.Int64,
            "growth_pct": pl.Float64,
            "rank_change": pl.Int64,
        }
        return pl.DataFrame(rows, schema=schema)


def _f(value: Any) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


_NODE_SCHEMA = {
    "node": pl.String,
    "kind": pl.String,
    "depth": pl.Int64,
    "score": pl.Float64,
    "rank": pl.Int64,
    "change": pl.Float64,
    "rank_change": pl.Int64,
    "growth_pct": pl.Float64,
    "reference": pl.Float64,
    "gap": pl.Float64,
}
_CONTRIBUTION_SCHEMA = {
    "indicator": pl.String,
    "parent": pl.String,
    "effective_weight": pl.Float64,
    "normalised": pl.Float64,
    "contribution": pl.Float64,
    "reference_normalised": pl.Float64,
    "reference_contribution": pl.Float64,
    "gap_contribution": pl.Float64,
    "rank": pl.Int64,
}
