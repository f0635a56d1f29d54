"""Why a unit stands where it does (DESIGN §9.2): `explain(spec | result, unit)`,
and `explain_units(result)`, the same for many units in one pass.

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

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis.common import (
    AnalysisError,
    Tree,
    cell_text,
    choose_period,
    group_rows,
    node_label,
    resolve_unit,
    score_cube,
)
from gdindex.errors import Issue
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
        return node_label(self.node_info, node, lang)

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
    shared = _Shared(result, period, [row])
    if row not in shared.scored_rows:
        raise AnalysisError(
            f"unit {result.units['unit'][row]!r} has no index score in {shared.period}",
            [
                Issue(
                    "UNIT",
                    "its index score is missing",
                    "choose another --period",
                    message_zh="其总指数得分缺失",
                    hint_zh="请换一个 --period",
                )
            ],
            message_zh=(
                f"地区 {result.units['unit'][row]!r} 在 {shared.period} 没有总指数得分"
            ),
        )
    shared.against(vs)
    return shared.explanation(row, note)


def explain_units(
    result: IndexResult,
    units: Sequence[str] | None = None,
    period: Period | None = None,
    *,
    vs: str = "median",
) -> dict[str, Explanation]:
    """`explain` of many units of one computed index, in one pass: the score
    cube, the reference, the effective weights of every unit and the ranks are
    made once for all of them instead of once per unit (the report's unit
    profiles explain every unit).

    Args:
        result: what `compute` returned.
        units: unit ids or names, as `explain` takes them; None: every unit of
            `result.units`.
        period: the period explained (default: the latest).
        vs: `median` or a group, as in `explain`.

    Returns:
        unit id → the unit's `Explanation`, equal to `explain(result, unit,
        period, vs=vs)`, in the order of `units` (of `result.units` when None).
        A unit with no index score in the period, for which `explain` raises,
        is left out.

    Raises:
        AnalysisError: unknown unit, period or group.
    """
    table = result.units
    if units is None:
        names = _names(table)
        found = [(i, _id_note(table, i, names)) for i in range(table.height)]
    else:
        found = [resolve_unit(table, u) for u in units]
    shared = _Shared(result, period, [row for row, _ in found])
    shared.against(vs)
    return {
        table["unit"][row]: shared.explanation(row, note)
        for row, note in found
        if row in shared.scored_rows
    }


def _names(units: pl.DataFrame) -> dict[str, set[int]]:
    """The rows of the units called each name: Chinese names as they are, English
    names in lower case (as `resolve_unit` compares them)."""
    out: dict[str, set[int]] = {}
    for column, fold in (("name_zh", False), ("name_en", True)):
        if column in units.columns:
            for i, v in enumerate(units[column].to_list()):
                if v is not None:
                    out.setdefault(str(v).lower() if fold else v, set()).add(i)
    return out


def _id_note(units: pl.DataFrame, row: int, names: dict[str, set[int]]) -> str | None:
    """`resolve_unit`'s note for the unit of `row` given by its id: None unless
    the id is also another unit's name (`names`: `_names(units)`)."""
    key = str(units["unit"][row])
    named = names.get(key, set()) | names.get(key.lower(), set())
    if key.strip() == key and not named - {row}:
        return None
    return resolve_unit(units, key)[1]


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


class _Shared:
    """What the explanations of the units of one period share, made once: the
    score cube, the effective weights and contributions of every unit, the
    reference (`against`), the indicators every unit ties on, and the score rows
    of the units to explain (`rows`, row numbers of `result.units`)."""

    def __init__(self, result: IndexResult, period: Period | None, rows: list[int]):
        self.result = result
        self.period = choose_period(result, period)
        self.p = result.periods.index(self.period)
        self.tree = tree = Tree(result.nodes)
        self.cube = score_cube(result)  # [node, unit, period]
        self.S = S = self.cube[:, :, self.p]
        self.scored = np.flatnonzero(np.isfinite(S[tree.pos[tree.root]]))
        self.scored_rows = set(self.scored.tolist())
        self.weights = _unit_weights(result, tree, S)  # [indicator, unit]
        X = S[[tree.pos[i] for i in tree.indicators]]  # [indicator, unit]
        self.X = X
        self.C = np.where(np.isfinite(X), self.weights * np.nan_to_num(X), 0.0)
        self.arithmetic = all(
            n.method == "arithmetic" for n in result.nodes if n.kind != "indicator"
        )
        self.tied = set(self._all_tied())
        ids = result.units["unit"]
        wanted = result.scores.filter(pl.col("unit").is_in([ids[r] for r in rows]))
        self.by_unit: dict[Any, dict[tuple[str, Any], dict[str, Any]]] = {}
        for r in wanted.iter_rows(named=True):
            self.by_unit.setdefault(r["unit"], {})[(r["node"], r["period"])] = r

    def against(self, vs: str) -> None:
        """Set the reference: the median unit of the index score, or a group.

        Raises:
            AnalysisError: unknown or ambiguous group.
        """
        S, tree = self.S, self.tree
        if vs == "median":
            scored = self.scored
            order = scored[np.argsort(S[tree.pos[tree.root], scored], kind="stable")]
            mid = len(order) // 2
            self.ref = (
                [int(order[mid])]
                if len(order) % 2
                else [int(order[mid - 1]), int(order[mid])]
            )
            self.labels, self.vs = {"zh": "中位数", "en": "median"}, "median"
        else:
            rows, self.labels, self.vs = group_rows(self.result, vs)
            self.ref = [r for r in rows if r in self.scored_rows]
        # the reference's node scores, normalised scores and contributions
        self.ref_node = [self._ref(S[tree.pos[n.id]]) for n in tree.nodes]
        self.ref_x = [self._ref(x) for x in self.X]
        self.ref_c = [self._ref(c) for c in self.C]

    def _ref(self, values: np.ndarray) -> float:
        picked = values[self.ref]
        return float(np.mean(picked)) if len(picked) else float("nan")

    def _all_tied(self) -> list[str]:
        """Indicators on which every unit with a value shares rank 1 in the period."""
        R = ranks(self.cube[:, :, self.p : self.p + 1])[:, :, 0]  # as the result's
        out = []
        for ind in self.tree.indicators:
            r = R[self.tree.pos[ind]]
            if np.isfinite(r).any() and np.nanmax(r) == 1:
                out.append(ind)
        return out

    def explanation(self, row: int, note: str | None) -> Explanation:
        """The explanation of the unit in `row` (which has an index score)."""
        units = self.result.units
        unit = units["unit"][row]
        by_period = self.by_unit.get(unit, {})
        rows = self._contribution_rows(row, by_period)
        return Explanation(
            unit=unit,
            name_zh=cell_text(units, "name_zh", row),
            name_en=cell_text(units, "name_en", row),
            period=self.period,
            vs=self.vs,
            reference_label=self.labels,
            reference_units=[units["unit"][r] for r in self.ref],
            additive=self.arithmetic,
            n_units=len(self.scored),
            nodes=self._nodes(row, by_period),
            contributions=self._contributions(rows),
            strongest=self._extremes(rows, best=True),
            weakest=self._extremes(rows, best=False),
            history=self._history(by_period),
            node_info=self.result.nodes,
            notes=[note] if note else [],
        )

    def _nodes(self, row: int, by_period: dict[Any, dict[str, Any]]) -> pl.DataFrame:
        out = []
        for i, n in enumerate(self.tree.nodes):
            r = by_period.get((n.id, self.period), {})
            score = self.S[self.tree.pos[n.id], row]
            ref = self.ref_node[i]
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

    def _contribution_rows(
        self, row: int, by_period: dict[Any, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        out = []
        for i, ind in enumerate(self.tree.indicators):
            c = float(self.C[i, row])
            out.append(
                {
                    "indicator": ind,
                    "parent": self.tree.info[ind].parent,
                    "effective_weight": float(self.weights[i, row]),
                    "normalised": _f(self.X[i, row]),
                    "contribution": c,
                    "reference_normalised": _f(self.ref_x[i]),
                    "reference_contribution": self.ref_c[i],
                    "gap_contribution": c - self.ref_c[i],
                    "rank": by_period.get((ind, self.period), {}).get("rank"),
                }
            )
        return out

    @staticmethod
    def _contributions(rows: list[dict[str, Any]]) -> pl.DataFrame:
        frame = pl.DataFrame(rows, schema=_CONTRIBUTION_SCHEMA)
        # ties (e.g. against itself as the median unit): the worst ranks first
        return frame.sort(
            ["gap_contribution", "rank", "indicator"],
            descending=[False, True, False],
            nulls_last=True,
        )

    def _extremes(self, rows: list[dict[str, Any]], best: bool) -> pl.DataFrame:
        """The `SHOWN` indicators of `rows` (a unit's contributions) where the unit
        ranks best (or worst): never one on which every unit ties (no indicator is
        strongest where all are first), and never the same one in both lists —
        with `k` indicators to choose from, the strongest are the best `ceil(k/2)`
        at most, the weakest the worst `floor(k/2)` at most, both cut from one
        order (rank, then indicator id)."""
        ranked = sorted(
            (
                r
                for r in rows
                if r["rank"] is not None and r["indicator"] not in self.tied
            ),
            key=lambda r: (r["rank"], r["indicator"]),
        )
        k = len(ranked)  # one order, split: the two lists cannot share a row
        if best:
            picked = ranked[: min(SHOWN, (k + 1) // 2)]
        else:
            picked = ranked[k - min(SHOWN, k // 2) :][::-1]
        return pl.DataFrame(
            [{c: r[c] for c in _EXTREME_SCHEMA} for r in picked],
            schema=_EXTREME_SCHEMA,
        )

    def _history(self, by_period: dict[Any, dict[str, Any]]) -> pl.DataFrame:
        keep = [n for n in self.tree.nodes if n.depth <= 1]
        rows = []
        for period in self.result.periods:
            for n in keep:
                r = by_period.get((n.id, period), {})
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
_EXTREME_SCHEMA = {"indicator": pl.String, "normalised": pl.Float64, "rank": pl.Int64}
