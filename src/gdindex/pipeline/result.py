"""`IndexResult`: what `compute` returns — scores, stages, weights, groups, growth.

Frames are built on first access from the arrays the stages produced. This module
never prints and never writes files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import Issue
from gdindex.io import Dataset, InputFile, json_records
from gdindex.methods import growth
from gdindex.pipeline.prepare import StepSummary
from gdindex.pipeline.tree_weights import NodeWeights, Weighting
from gdindex.spec import IndexSpec, Period

STAGES = ("raw", "denominated", "imputed", "screened", "treated", "normalised")
#: Rows of a block of the long tables written block by block (indicators,
#: contributions): a county-scale table need not be in memory whole.
BLOCK_ROWS = 250_000


@dataclass(frozen=True)
class NodeInfo:
    """A node of the computed tree: kind is `index`, `aggregate` or `indicator`."""

    id: str
    kind: str
    depth: int
    parent: str | None
    name_zh: str
    name_en: str
    method: str

    def name(self, lang: str = "zh") -> str:
        """Its label in `lang`, falling back to the other language, then the id."""
        names = (self.name_zh, self.name_en)
        first, second = names if lang == "zh" else names[::-1]
        return first or second or self.id


@dataclass
class IndexResult:
    """Everything `compute` produced.

    Attributes:
        spec: the spec computed.
        units: unit, name_zh, name_en and `group:<column>` columns, in unit order.
        periods: the periods in time order.
        nodes: every node in pre-order (root first), with its kind, depth and labels.
        scores: `unit, period, node, kind, depth, score, rank, change, growth_pct,
            rank_change` (scores.csv).
        stages: wide frames (unit, period, one column per indicator) for `raw`,
            `denominated`, `imputed`, `screened`, `treated`, `normalised`, and
            `aggregated` (one column per node).
        preparation: what each preparation step did: `step, indicator, method,
            period, cells, where` (period: of a per-period treatment; cells
            touched; the first few "unit period" touched).
        weights: `node, parent, weight, effective_weight, method` (weights.csv).
        weighting: how every node's weights were derived (method, parameters,
            pool rows, AHP consistency), for `gdindex weights` and the manifest.
        groups: `group_by, group, period, node, score, growth_pct, n_units`.
        quadrants: `unit, period, node, score, growth_pct, change, quadrant`; the
            growth axis is `growth_pct` or `change` as `spec.quadrant.growth` says.
        contributions: `unit, period, node, child, weight, contribution`
            (percentage points of the parent's growth, arithmetic nodes).
        cagr: `unit, node, first_period, last_period, cagr` (a fraction).
        issues: warnings raised while computing.
        inputs: the files read, with their SHA-256.
    """

    spec: IndexSpec
    units: pl.DataFrame
    periods: list[Period]
    nodes: list[NodeInfo]
    scores: pl.DataFrame
    weights: pl.DataFrame
    groups: pl.DataFrame
    quadrants: pl.DataFrame
    weighting: Weighting | None = None
    issues: list[Issue] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    preparation: pl.DataFrame = field(default_factory=lambda: _steps_frame([]))
    _lazy: dict[str, Callable[..., Any]] = field(default_factory=dict, repr=False)

    # The frames below are built from the computed arrays on first use: a report
    # that only needs the scores does not pay for them.

    @cached_property
    def stages(self) -> dict[str, pl.DataFrame]:
        """Wide frame of every stage: raw, denominated, imputed, screened, treated,
        normalised, aggregated."""
        return self._lazy["stages"]()

    @cached_property
    def contributions(self) -> pl.DataFrame:
        """`unit, period, node, child, weight, contribution`."""
        return self._lazy["contributions"]()

    @cached_property
    def cagr(self) -> pl.DataFrame:
        """`unit, node, first_period, last_period, cagr`."""
        return self._lazy["cagr"]()

    @property
    def latest_period(self) -> Period:
        return self.periods[-1]

    def indicator_table(self) -> pl.DataFrame:
        """`unit, period, indicator, raw, prepared, normalised, flag` (long form,
        rows by indicator in spec order, unit, period)."""
        return self._lazy["indicators"]()

    def indicator_blocks(self, rows: int = BLOCK_ROWS) -> Iterator[pl.DataFrame]:
        """`indicator_table()` in consecutive row blocks of whole indicators, about
        `rows` rows each (at least one indicator, and one block): to write it
        without holding it whole."""
        return iter(self._lazy["indicator_blocks"](rows))

    def contribution_blocks(self, rows: int = BLOCK_ROWS) -> Iterator[pl.DataFrame]:
        """`contributions` in consecutive row blocks of whole children of a node,
        about `rows` rows each (at least one block), or as the one frame once that
        has been built."""
        if "contributions" in self.__dict__:  # the cached property, built
            return iter([self.contributions])
        return iter(self._lazy["contribution_blocks"](rows))

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (NaN → null)."""
        return {
            "spec": {"id": self.spec.id, "name": self.spec.name.model_dump()},
            "periods": list(self.periods),
            "units": json_records(self.units),
            "nodes": [n.__dict__ for n in self.nodes],
            "scores": json_records(self.scores),
            "weights": json_records(self.weights),
            "groups": json_records(self.groups),
            "quadrants": json_records(self.quadrants),
            "contributions": json_records(self.contributions),
            "cagr": json_records(self.cagr),
            "preparation": json_records(self.preparation),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialise `to_dict()` deterministically."""
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


# Small arrays reach Polars through a list: its NumPy path imports numpy.ma
# (~10 ms), more than a 21-city index takes to compute.
_LIST_LIMIT = 1 << 16


def _float(values: np.ndarray, name: str) -> pl.Series:
    """A Float64 Series from an array, NaN → null."""
    if values.size <= _LIST_LIMIT:
        return pl.Series(name, values.tolist(), dtype=pl.Float64).fill_nan(None)
    return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)


def _idx(values: np.ndarray) -> pl.Series:
    """Row indices for `Series.gather`."""
    if values.size <= _LIST_LIMIT:
        return pl.Series("", values.tolist(), dtype=pl.UInt32)
    return pl.Series("", values.astype(np.uint32, copy=False))


def _arange(n: int, start: int = 0) -> np.ndarray:
    """`start … n−1` as row indices (uint32: `_idx` takes them without a copy)."""
    return np.arange(start, n, dtype=np.uint32)


def _block(values: np.ndarray, i0: int, i1: int, name: str) -> pl.Series:
    """Indicators `i0:i1` of a `[unit, period, indicator]` array as one long column,
    indicator by indicator, each unit by unit, period by period."""
    return _float(values[:, :, i0:i1].transpose(2, 0, 1).reshape(-1), name)


def _with_keys(
    unit: pl.Series, period: pl.Series, block: np.ndarray, names: list[str]
) -> pl.DataFrame:
    """`unit, period` plus one Float64 column per name from a 2-D block (NaN → null)."""
    frame = pl.from_numpy(np.ascontiguousarray(block), schema=names, orient="row")
    return (
        frame.select(pl.all().fill_nan(None))
        .insert_column(0, period)
        .insert_column(0, unit)
    )


def _int(values: np.ndarray, name: str) -> pl.Series:
    """An Int64 Series from a float array (NaN → null)."""
    return _float(values, name).cast(pl.Int64)


class _Frames:
    """Turns `[node, unit, period]` arrays into the long output frames."""

    def __init__(
        self,
        spec: IndexSpec,
        dataset: Dataset,
        nodes: list[NodeInfo],
        derived: dict[str, NodeWeights],
    ):
        self.spec = spec
        self.derived = derived
        self.units = pl.Series("unit", dataset.units, dtype=pl.String)
        self.periods = pl.Series("period", dataset.periods, dtype=dataset.period_dtype)
        self.nodes = nodes
        self.node_ids = pl.Series("node", [n.id for n in nodes], dtype=pl.String)
        self.dataset = dataset

    def _empty(self, *columns: str) -> pl.DataFrame:
        """An empty frame `unit, period, *columns` with the output dtypes."""
        types: dict[str, Any] = {"unit": pl.String, "period": self.periods.dtype}
        for col in columns:
            types[col] = (
                pl.Float64
                if col in ("score", "growth_pct", "change", "weight", "contribution")
                else pl.String
            )
        return pl.DataFrame(schema=types)

    def _unit_period(self) -> tuple[pl.Series, pl.Series]:
        U, P = len(self.units), len(self.periods)
        u = np.repeat(np.arange(U), P)
        p = np.tile(np.arange(P), U)
        return self.units.gather(_idx(u)), self.periods.gather(_idx(p))

    def wide(self, values: np.ndarray) -> pl.DataFrame:
        U, P, n_ind = values.shape
        unit, period = self._unit_period()
        ids = [ind.id for ind in self.spec.indicators]
        return _with_keys(unit, period, values.reshape(U * P, n_ind), ids)

    def wide_nodes(self, S: np.ndarray) -> pl.DataFrame:
        N, U, P = S.shape
        unit, period = self._unit_period()
        flat = S.reshape(N, U * P).T
        return _with_keys(unit, period, flat, [node.id for node in self.nodes])

    def scores(
        self, S: np.ndarray, R: np.ndarray, C: np.ndarray, G: np.ndarray, RC: np.ndarray
    ) -> pl.DataFrame:
        """Rows ordered by node (pre-order), unit, period."""
        N, U, P = S.shape

        def flat(a: np.ndarray) -> np.ndarray:
            return a.reshape(-1)

        n = np.repeat(np.arange(N), U * P)
        u = np.tile(np.repeat(np.arange(U), P), N)
        p = np.tile(np.arange(P), N * U)
        kinds = pl.Series([nd.kind for nd in self.nodes], dtype=pl.String)
        depths = pl.Series([nd.depth for nd in self.nodes], dtype=pl.Int64)
        return pl.DataFrame(
            [
                self.units.gather(_idx(u)),
                self.periods.gather(_idx(p)),
                self.node_ids.gather(_idx(n)),
                kinds.gather(_idx(n)).alias("kind"),
                depths.gather(_idx(n)).alias("depth"),
                _float(flat(S), "score"),
                _int(flat(R), "rank"),
                _float(flat(C), "change"),
                _float(flat(G), "growth_pct"),
                _int(flat(RC), "rank_change"),
            ]
        )

    def groups(self, S: np.ndarray) -> pl.DataFrame:
        schema: dict[str, Any] = {
            "group_by": pl.String,
            "group": pl.String,
            "period": self.periods.dtype,
            "node": pl.String,
            "score": pl.Float64,
            "growth_pct": pl.Float64,
            "n_units": pl.Int64,
        }
        units = self.spec.units
        if units is None or not units.groups:
            return pl.DataFrame(schema=schema)
        weights = self.dataset.group_weights
        parts = []
        N, _, P = S.shape
        for g in units.groups:
            labels = self.dataset.groups.get(g.column)
            if labels is None:
                continue
            names, means, counts = growth.group_means_by_period(S, labels, weights)
            if g.labels:  # declared order first
                order = [k for k in g.labels if k in names] + [
                    k for k in names if k not in g.labels
                ]
                idx = [names.index(k) for k in order]
                names, means, counts = order, means[idx], counts[idx]
            if not names:
                continue
            M = len(names)
            G = growth.growth_pct(means)
            G = np.where(np.isinf(G), np.nan, G)  # as the units' growth: warned there
            gi = np.repeat(np.arange(M), N * P)
            ni = np.tile(np.repeat(np.arange(N), P), M)
            pi = np.tile(np.arange(P), M * N)
            parts.append(
                pl.DataFrame(
                    [
                        pl.Series(
                            "group_by", [g.column] * (M * N * P), dtype=pl.String
                        ),
                        pl.Series("group", names, dtype=pl.String).gather(_idx(gi)),
                        self.periods.gather(_idx(pi)),
                        self.node_ids.gather(_idx(ni)),
                        _float(means.reshape(-1), "score"),
                        _float(G.reshape(-1), "growth_pct"),
                        _int(counts.reshape(-1).astype(np.float64), "n_units"),
                    ]
                )
            )
        return pl.concat(parts) if parts else pl.DataFrame(schema=schema)

    def quadrants(self, S: np.ndarray, G: np.ndarray, C: np.ndarray) -> pl.DataFrame:
        """Level × growth quadrants; growth is `G` (%) or `C` (change) as the spec's
        `quadrant.growth` says."""
        change = self.spec.quadrant.growth == "change"
        axis = C if change else G
        # the scale of ties (`correlation.tied`): the period's scores, all nodes;
        # growth in percent is a ratio, its noise is relative to 100 %
        level = growth.period_scale(S)[0, 0, :]
        frames = []
        for n, node in enumerate(self.nodes):
            if node.kind == "indicator":
                continue
            Q = growth.quadrants(
                S[n], axis[n], level, level if change else 100.0
            )  # [unit, period]
            mask = Q != None  # noqa: E711 — object array comparison
            u, p = np.nonzero(mask)
            order = np.lexsort((u, p))
            u, p = u[order], p[order]
            frames.append(
                pl.DataFrame(
                    [
                        self.units.gather(_idx(u)),
                        self.periods.gather(_idx(p)),
                        pl.Series("node", [node.id] * len(u), dtype=pl.String),
                        _float(S[n][u, p], "score"),
                        _float(G[n][u, p], "growth_pct"),
                        _float(C[n][u, p], "change"),
                        pl.Series("quadrant", Q[u, p].tolist(), dtype=pl.String),
                    ]
                )
            )
        if not frames:
            return self._empty("node", "score", "growth_pct", "change", "quadrant")
        return pl.concat(frames)

    def contribution_blocks(
        self, values: dict[str, np.ndarray], rows: int | None
    ) -> Iterator[pl.DataFrame]:
        """`unit, period, node, child, weight, contribution` in consecutive row
        blocks of whole children of a node, about `rows` rows each (None: one block
        per node), at least one block; rows by node (pre-order), child, period (from
        the second), unit.

        Built from index arrays: at county scale (1.7 million rows) frames of Python
        lists cost more than the numbers themselves."""
        U, P = len(self.units), len(self.periods)
        per_child = (P - 1) * U
        made = False
        for node, _depth in self.spec.tree.walk():
            if node.is_leaf or self.spec.aggregate_for(node).method != "arithmetic":
                continue
            children = node.children or []
            if not children or per_child == 0:
                continue
            w = np.asarray(self.derived[node.id].weights, dtype=np.float64)
            C = growth.contributions(
                values[node.id], np.stack([values[k.id] for k in children], axis=-1), w
            )  # [unit, period, child]
            step = len(children) if rows is None else max(1, rows // per_child)
            for k0 in range(0, len(children), step):
                kids = [k.id for k in children[k0 : k0 + step]]
                ki = np.repeat(_arange(len(kids)), per_child)
                pi = np.tile(np.repeat(_arange(P, 1), U), len(kids))
                ui = np.tile(_arange(U), len(kids) * (P - 1))
                block = C[:, 1:, k0 : k0 + len(kids)].transpose(2, 1, 0).reshape(-1)
                made = True
                yield pl.DataFrame(
                    [
                        self.units.gather(_idx(ui)),
                        self.periods.gather(_idx(pi)),
                        pl.repeat(node.id, len(ki), dtype=pl.String, eager=True).alias(
                            "node"
                        ),
                        pl.Series("child", kids, dtype=pl.String).gather(_idx(ki)),
                        _float(np.repeat(w[k0 : k0 + len(kids)], per_child), "weight"),
                        _float(block, "contribution"),
                    ]
                )
        if not made:
            yield self._empty("node", "child", "weight", "contribution")

    def indicator_blocks(
        self,
        raw: np.ndarray,
        prepared: np.ndarray,
        normalised: np.ndarray,
        flags: pl.Series,
        rows: int | None,
    ) -> Iterator[pl.DataFrame]:
        """`unit, period, indicator, raw, prepared, normalised, flag` from
        `[unit, period, indicator]` arrays in consecutive row blocks of whole
        indicators, about `rows` rows each (None: one block), at least one block;
        rows by indicator (spec order), unit, period, as `flags` is."""
        U, P, n_ind = raw.shape
        ids = pl.Series("indicator", [i.id for i in self.spec.indicators], pl.String)
        step = n_ind if rows is None else max(1, rows // max(U * P, 1))
        for i0 in range(0, max(n_ind, 1), max(step, 1)):
            i1 = min(n_ind, i0 + step)
            n = i1 - i0
            ii = np.repeat(_arange(i1, i0), U * P)
            ui = np.tile(np.repeat(_arange(U), P), n)
            pi = np.tile(_arange(P), U * n)
            raw_values = _block(raw, i0, i1, "raw")
            yield pl.DataFrame(
                [
                    self.units.gather(_idx(ui)),
                    self.periods.gather(_idx(pi)),
                    ids.gather(_idx(ii)),
                    raw_values,
                    # a panel no step changed: the same values, converted once
                    raw_values.alias("prepared")
                    if prepared is raw
                    else _block(prepared, i0, i1, "prepared"),
                    _block(normalised, i0, i1, "normalised"),
                    flags.slice(i0 * U * P, n * U * P).alias("flag"),
                ]
            )

    def cagr(self, S: np.ndarray) -> pl.DataFrame:
        N, U, P = S.shape
        values = growth.cagr(S)  # [node, unit]
        ni = np.repeat(np.arange(N), U)
        ui = np.tile(np.arange(U), N)
        first, last = self.periods[0], self.periods[P - 1]
        return pl.DataFrame(
            [
                self.units.gather(_idx(ui)),
                self.node_ids.gather(_idx(ni)),
                pl.Series("first_period", [first] * (N * U), dtype=self.periods.dtype),
                pl.Series("last_period", [last] * (N * U), dtype=self.periods.dtype),
                _float(values.reshape(-1), "cagr"),
            ]
        )


def _steps_frame(steps: list[StepSummary]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "step": [s.step for s in steps],
            "indicator": [s.indicator for s in steps],
            "method": [s.method for s in steps],
            "period": [None if s.period is None else str(s.period) for s in steps],
            "cells": [s.cells for s in steps],
            "where": ["; ".join(s.where) for s in steps],
        },
        schema={
            "step": pl.String,
            "indicator": pl.String,
            "method": pl.String,
            "period": pl.String,
            "cells": pl.Int64,
            "where": pl.String,
        },
    )
