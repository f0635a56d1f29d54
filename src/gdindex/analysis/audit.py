"""The statistical coherence audit of an index (DESIGN §9.1): `audit(spec | result)`.

Statistics offices audit a composite index before publishing it (the JRC/OECD
Handbook practice; COINr's `get_corr`, `get_cronbach` and `get_PCA` compute the
pieces one at a time). For one period (default: the latest) or all periods pooled,
on the normalised indicator scores and the aggregate scores (`scores.csv`):

- `correlations`: every (indicator or node, one of its ancestors) pair
  (`relation` `parent` or `ancestor`) and every pair of siblings (`sibling`):
  Pearson's r and Spearman's ρ over the complete pairs, and their number `n`;
- `cronbach`: Cronbach's α of every aggregate node over its children (rows complete
  in every child; a child with no value at all is left out, `k` counts the rest);
- `pca`: eigenvalues and explained shares of every aggregate node's children's
  correlation matrix; `loadings` (`node, period, child, component, loading`);
- `importance`: for every child of every aggregate node (`relation` `child`), and
  every indicator against the root (`relation` `indicator`, when the root has
  aggregate children): its nominal `weight` (siblings sum to 1; against the root:
  the effective weight), `effective_weight`, `r2` (squared Pearson with the node),
  `main_effect` (η² = Var(E[node | child]) / Var(node), Paruolo, Saisana & Saltelli
  2013, by a smoothing spline), `main_effect_share` (main effects scaled to sum to 1
  among siblings) and `ratio = main_effect_share / weight`;
- `flags`: one row per finding (`kind, node, a, b, period, value, threshold,
  message`, plus `message_zh` and `advice`/`advice_zh`), kinds `negative`, `weak`,
  `collinear`, `misplaced`, `low_alpha`, `multidimensional`, `importance_gap`.

The statistics themselves are in `gdindex.analysis.stats`. `period` is the period
audited (the data's type) or null when pooled. This module never prints or writes;
`gdindex.report.audit` renders an `AuditResult` and `write_audit` hands the files
to `gdindex.io.write_atomic`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis import audit_notes, stats
from gdindex.analysis.audit_files import FILES, write_audit
from gdindex.analysis.common import (
    AnalysisError,
    Tree,
    choose_period,
    find_node,
    node_label,
    score_cube,
)
from gdindex.analysis.flags import FLAG_KINDS, Thresholds, findings, findings_frame
from gdindex.errors import Issue
from gdindex.io import json_records
from gdindex.pipeline import IndexResult, NodeInfo, compute
from gdindex.spec import IndexSpec, Period, load_spec

__all__ = ["FILES", "AuditResult", "audit", "write_audit"]


@dataclass
class AuditResult:
    """The audit of one period (or all pooled) of an index.

    Attributes:
        spec_id, spec_name: the index audited (`spec_name`: `{"zh": …, "en": …}`).
        period: the period audited, or None when `pooled`.
        pooled: every period pooled (rows are unit × period).
        node: the node the audit is restricted to (its subtree), or None.
        n_rows: the units (or unit × periods) audited.
        thresholds: the flag thresholds used.
        correlations, cronbach, pca, loadings, importance, flags: polars frames, see
            the module docstring for their columns.
        nodes: the tree (pre-order) with names.
        result: the computed index (not serialised).
    """

    spec_id: str
    spec_name: dict[str, str]
    period: Period | None
    pooled: bool
    node: str | None
    n_rows: int
    thresholds: Thresholds
    correlations: pl.DataFrame
    cronbach: pl.DataFrame
    pca: pl.DataFrame
    loadings: pl.DataFrame
    importance: pl.DataFrame
    flags: pl.DataFrame
    nodes: list[NodeInfo] = field(default_factory=list)
    result: IndexResult | None = field(default=None, repr=False, compare=False)
    notes: pl.DataFrame = field(default_factory=lambda: audit_notes.notes_frame([]))

    def node_name(self, node: str, lang: str = "zh") -> str:
        """A node's name in `lang` (the other language, or its id, when missing)."""
        return node_label(self.nodes, node, lang)

    @property
    def kinds(self) -> list[str]:
        """The flag kinds found, in `FLAG_KINDS` order, then the notes that say the
        audit could not be computed (`audit_notes.FAILING_NOTES`: they count for
        `--fail-on any`)."""
        found = set(self.flags["kind"].to_list()) | set(self.notes["kind"].to_list())
        return [k for k in (*FLAG_KINDS, *audit_notes.FAILING_NOTES) if k in found]

    def summary(self) -> pl.DataFrame:
        """Per aggregate node: `node, depth, k, n, alpha, first_share, n_above`
        (eigenvalues > the threshold), `weakest` (child with the lowest r with the
        node) and `weakest_r`."""
        rows = []
        depth = {n.id: n.depth for n in self.nodes}
        corr = self.correlations.filter(pl.col("relation") == "parent")
        for row in self.cronbach.iter_rows(named=True):
            node = row["node"]
            eig = self.pca.filter(pl.col("node") == node)
            kids = corr.filter(pl.col("b") == node).drop_nulls("pearson")
            weakest = (
                kids.sort(["pearson", "a"]).row(0, named=True) if len(kids) else {}
            )
            rows.append(
                {
                    "node": node,
                    "depth": depth.get(node, 0),
                    "k": row["k"],
                    "n": row["n"],
                    "alpha": row["alpha"],
                    "first_share": eig["explained"][0] if len(eig) else None,
                    "n_above": int(
                        (eig["eigenvalue"] > self.thresholds.eigenvalue).sum()
                    )
                    if len(eig)
                    else None,
                    "weakest": weakest.get("a"),
                    "weakest_r": weakest.get("pearson"),
                }
            )
        schema = {
            "node": pl.String,
            "depth": pl.Int64,
            "k": pl.Int64,
            "n": pl.Int64,
            "alpha": pl.Float64,
            "first_share": pl.Float64,
            "n_above": pl.Int64,
            "weakest": pl.String,
            "weakest_r": pl.Float64,
        }
        return pl.DataFrame(rows, schema=schema)

    def to_dict(self) -> dict[str, Any]:
        """The audit as JSON-ready data (NaN → null)."""
        return {
            "spec": {"id": self.spec_id, "name": self.spec_name},
            "period": self.period,
            "pooled": self.pooled,
            "node": self.node,
            "n_rows": self.n_rows,
            "thresholds": asdict(self.thresholds),
            "summary": json_records(self.summary()),
            "correlations": json_records(self.correlations),
            "cronbach": json_records(self.cronbach),
            "pca": json_records(self.pca),
            "loadings": json_records(self.loadings),
            "importance": json_records(self.importance),
            "flags": json_records(self.flags),
            "notes": json_records(self.notes),
        }

    def to_json(self, indent: int | None = None) -> str:
        """`to_dict()` as deterministic JSON (no NaN)."""
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


# --------------------------------------------------------------------------- audit


def audit(
    source: IndexSpec | IndexResult | str | Path,
    period: Period | None = None,
    *,
    pooled: bool = False,
    node: str | None = None,
    thresholds: Thresholds | None = None,
    main_effects: bool = True,
) -> AuditResult:
    """Audit the index of `source` (a spec, a spec file or a computed result).

    Args:
        period: the period to audit (default: the latest); not with `pooled`.
        pooled: pool every period (rows are unit × period).
        node: restrict every table to this aggregate node's subtree (by id or name).
        thresholds: the flag thresholds (default: DESIGN §9.1's).
        main_effects: estimate η² (the spline fits); False leaves `main_effect`,
            `main_effect_share` and `ratio` null and skips `importance_gap`.

    Raises:
        SpecError, DataError: computing the index failed.
        AnalysisError: unknown period or node, a node that is an indicator, or both
            `period` and `pooled`.
    """
    if isinstance(source, IndexResult):
        result = source
    else:
        result = compute(source if isinstance(source, IndexSpec) else load_spec(source))
    if pooled and period is not None:
        raise AnalysisError(
            "choose one period or all pooled, not both",
            [
                Issue(
                    "--pooled",
                    "--period and --pooled given",
                    "drop one of them",
                    message_zh="同时给出了 --period 和 --pooled",
                    hint_zh="请去掉其中一个",
                )
            ],
            message_zh="请选择单一时期或全部时期合并，不能两者兼有",
        )
    tree = Tree(result.nodes)
    focus: str | None = None
    if node is not None:
        found = find_node(result.nodes, node)
        if found.kind == "indicator":
            raise AnalysisError(
                f"node {found.id!r} is an indicator",
                [
                    Issue(
                        "--node",
                        f"{found.id!r} is an indicator: it has no children to audit",
                        f"give an aggregate node, e.g. its parent {found.parent!r}",
                        message_zh=f"{found.id!r} 是指标：没有可供审计的子节点",
                        hint_zh=f"请给出一个聚合节点，例如其上级 {found.parent!r}",
                    )
                ],
                message_zh=f"节点 {found.id!r} 是指标",
            )
        focus = found.id
    cube = score_cube(result)
    if pooled:
        chosen: Period | None = None
        V = cube.reshape(cube.shape[0], -1)
    else:
        chosen = choose_period(result, period)
        V = cube[:, :, result.periods.index(chosen)]
    th = thresholds or Thresholds()
    period_dtype = result.scores.schema["period"]
    frames = _Audit(tree, V, chosen, period_dtype, result.weights, th, main_effects)
    out = AuditResult(
        spec_id=result.spec.id,
        spec_name=result.spec.name.model_dump(exclude_none=True),
        period=chosen,
        pooled=pooled,
        node=focus,
        n_rows=V.shape[1],
        thresholds=th,
        correlations=frames.correlations(),
        cronbach=frames.cronbach(),
        pca=frames.pca_frames()[0],
        loadings=frames.pca_frames()[1],
        importance=frames.importance(),
        flags=pl.DataFrame(),
        nodes=result.nodes,
        result=result,
    )
    out.flags = flag_frame(out, frames, tree)
    out.notes = audit_notes.notes_frame(audit_notes.collect(frames, pooled))
    if focus is not None:
        _restrict(out, tree.subtree(focus))
    return out


def _restrict(out: AuditResult, keep: set[str]) -> None:
    """Keep the rows about the subtree `keep` (its nodes as `node` or as `a`)."""
    ids = list(keep)
    out.correlations = out.correlations.filter(pl.col("a").is_in(ids))
    out.cronbach = out.cronbach.filter(pl.col("node").is_in(ids))
    out.pca = out.pca.filter(pl.col("node").is_in(ids))
    out.loadings = out.loadings.filter(pl.col("node").is_in(ids))
    out.importance = out.importance.filter(
        pl.col("node").is_in(ids) | pl.col("child").is_in(ids)
    )
    out.flags = out.flags.filter(pl.col("node").is_in(ids) | pl.col("a").is_in(ids))
    out.notes = out.notes.filter(
        pl.col("node").is_in(ids) | (pl.col("kind") == "too_few_units")
    )


class _Audit:
    """The frames of one audit: `V` is `[node, row]` (rows: units or unit·periods)."""

    def __init__(
        self,
        tree: Tree,
        V: np.ndarray,
        period: Period | None,
        period_dtype: Any,
        weights: pl.DataFrame,
        th: Thresholds,
        main_effects: bool,
    ):
        self.tree, self.V, self.th = tree, V, th
        self.period, self.period_dtype = period, period_dtype
        self.main_effects = main_effects
        self.weight = dict(
            zip(weights["node"].to_list(), weights["weight"].to_list(), strict=True)
        )
        self.effective = dict(
            zip(
                weights["node"].to_list(),
                weights["effective_weight"].to_list(),
                strict=True,
            )
        )
        self._corr: dict[tuple[str, str], tuple[float, float, int]] = {}
        self._fast: dict[str, Any] | None = None
        self._pca: tuple[pl.DataFrame, pl.DataFrame] | None = None

    def row(self, node: str) -> np.ndarray:
        return self.V[self.tree.pos[node]]

    def _period_col(self, n: int) -> pl.Series:
        return pl.Series("period", [self.period] * n, dtype=self.period_dtype)

    def corr(self, a: str, b: str) -> tuple[float, float, int]:
        """(pearson, spearman, n) of two nodes, cached. Nodes complete in every
        row come from one matrix product of their standardised values (and ranks);
        the others pair by pair over their complete pairs."""
        key = (a, b) if a <= b else (b, a)
        if key not in self._corr:
            fast = self._full()
            i, j = fast["index"].get(a), fast["index"].get(b)
            if i is not None and j is not None:
                n = self.V.shape[1]
                self._corr[key] = (fast["pearson"][i, j], fast["spearman"][i, j], n)
            else:
                x, y = self.row(a), self.row(b)
                r, n = stats.pearson(x, y)
                rho, _ = stats.spearman(x, y)
                self._corr[key] = (r, rho, n)
        return self._corr[key]

    def _full(self) -> dict[str, Any]:
        """Correlation matrices of the nodes with a value in every row and a
        spread (at least `MIN_ROWS` rows)."""
        if self._fast is None:
            n = self.V.shape[1]
            keep = [
                nd.id
                for nd in self.tree.nodes
                if n >= stats.MIN_ROWS
                and np.isfinite(self.row(nd.id)).all()
                and np.isfinite(stats._r(self.row(nd.id), self.row(nd.id)))
            ]
            self._fast = {"index": {k: i for i, k in enumerate(keep)}}
            for name, rows in (
                ("pearson", [self.row(k) for k in keep]),
                ("spearman", [stats.average_ranks(self.row(k)) for k in keep]),
            ):
                R = stats.correlations(np.array(rows)) if keep else np.empty((0, 0))
                self._fast[name] = R
        return self._fast

    def pairs(self) -> list[tuple[str, str, str]]:
        """(a, b, relation): ancestors in pre-order of a, then siblings."""
        out = []
        for n in self.tree.nodes:
            for k, anc in enumerate(self.tree.ancestors(n.id)):
                out.append((n.id, anc, "parent" if k == 0 else "ancestor"))
        for parent in self.tree.aggregates:
            kids = self.tree.children[parent]
            for i, a in enumerate(kids):
                for b in kids[i + 1 :]:
                    out.append((a, b, "sibling"))
        return out

    def correlations(self) -> pl.DataFrame:
        rows = [(a, b, rel, *self.corr(a, b)) for a, b, rel in self.pairs()]
        return pl.DataFrame(
            {
                "a": [r[0] for r in rows],
                "b": [r[1] for r in rows],
                "relation": [r[2] for r in rows],
                "period": self._period_col(len(rows)),
                "pearson": _floats([r[3] for r in rows]),
                "spearman": _floats([r[4] for r in rows]),
                "n": pl.Series([r[5] for r in rows], dtype=pl.Int64),
            }
        )

    def present(self, node: str) -> bool:
        """Whether `node` has a value in some row audited."""
        return bool(np.isfinite(self.row(node)).any())

    def children_used(self, node: str) -> list[str]:
        """The children with a spread in the rows audited: a child missing
        everywhere (e.g. a constant indicator, left missing) would leave no complete
        row, a constant one makes α 0 and its correlations undefined."""
        return [c for c in self.tree.children[node] if stats.has_spread(self.row(c))]

    def used_weights(self) -> tuple[dict[str, float], dict[str, float]]:
        """The weights the aggregation uses over the rows audited (as `explain`):
        each nominal weight renormalised over its siblings present in these rows
        (an absent child gets 0), and their products from the root (effective)."""
        used: dict[str, float] = {self.tree.root: 1.0}
        effective: dict[str, float] = {self.tree.root: 1.0}
        for parent in self.tree.aggregates:
            kids = self.tree.children[parent]
            w = {c: self.weight.get(c) or 0.0 for c in kids if self.present(c)}
            total = sum(w.values())
            for c in kids:
                used[c] = w.get(c, 0.0) / total if total > 0 else 0.0
                effective[c] = used[c] * effective.get(parent, 0.0)
        return used, effective

    def effects_short(self, node: str, kids: list[str]) -> bool:
        """Whether a child with a spread has too few rows for a main effect."""
        y = self.row(node)
        return any(
            not stats.main_effect_estimable(self.row(c), y)
            for c in kids
            if stats.has_spread(self.row(c))
        )

    def children_matrix(self, node: str) -> np.ndarray:
        kids = self.children_used(node)
        if not kids:
            return np.empty((self.V.shape[1], 0))
        return np.stack([self.row(c) for c in kids], axis=1)

    def _matrix(self, node: str) -> np.ndarray | None:
        """The children's correlation matrix when all are complete (else None)."""
        index = self._full()["index"]
        kids = self.children_used(node)
        if not kids or any(k not in index for k in kids):
            return None
        at = [index[k] for k in kids]
        return np.asarray(self._full()["pearson"][np.ix_(at, at)])

    def cronbach(self) -> pl.DataFrame:
        rows = []
        for node in self.tree.aggregates:
            alpha, n = stats.cronbach_alpha(self.children_matrix(node))
            rows.append((node, len(self.children_used(node)), n, alpha))
        return pl.DataFrame(
            {
                "node": pl.Series([r[0] for r in rows], dtype=pl.String),
                "period": self._period_col(len(rows)),
                "k": pl.Series([r[1] for r in rows], dtype=pl.Int64),
                "n": pl.Series([r[2] for r in rows], dtype=pl.Int64),
                "alpha": _floats([r[3] for r in rows]),
            }
        )

    def pca_frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        if self._pca is not None:
            return self._pca
        eig: list[tuple[str, int, float, float]] = []
        load: list[tuple[str, str, int, float]] = []
        for node in self.tree.aggregates:
            lam, share, loadings, _ = stats.pca(
                self.children_matrix(node), self._matrix(node)
            )
            for c in range(len(lam)):
                eig.append((node, c + 1, float(lam[c]), float(share[c])))
                for j, child in enumerate(self.children_used(node)):
                    load.append((node, child, c + 1, float(loadings[j, c])))
        pca = pl.DataFrame(
            {
                "node": pl.Series([r[0] for r in eig], dtype=pl.String),
                "period": self._period_col(len(eig)),
                "component": pl.Series([r[1] for r in eig], dtype=pl.Int64),
                "eigenvalue": _floats([r[2] for r in eig]),
                "explained": _floats([r[3] for r in eig]),
            }
        )
        loadings_frame = pl.DataFrame(
            {
                "node": pl.Series([r[0] for r in load], dtype=pl.String),
                "period": self._period_col(len(load)),
                "child": pl.Series([r[1] for r in load], dtype=pl.String),
                "component": pl.Series([r[2] for r in load], dtype=pl.Int64),
                "loading": _floats([r[3] for r in load]),
            }
        )
        self._pca = (pca, loadings_frame)
        return self._pca

    def importance_sets(self) -> list[tuple[str, list[str], str]]:
        """(node, children, relation) of every importance table."""
        sets = [(n, self.tree.children[n], "child") for n in self.tree.aggregates]
        root = self.tree.root
        if any(self.tree.children[c] for c in self.tree.children[root]):
            sets.append((root, self.tree.indicators, "indicator"))
        return sets

    def importance(self) -> pl.DataFrame:
        cols: dict[str, list[Any]] = {
            k: []
            for k in (
                "node",
                "child",
                "relation",
                "weight",
                "effective_weight",
                "r2",
                "main_effect",
                "main_effect_share",
                "ratio",
            )
        }
        used, effective = self.used_weights()
        for node, kids, relation in self.importance_sets():
            y = self.row(node)
            effects = [
                stats.main_effect(self.row(c), y) if self.main_effects else np.nan
                for c in kids
            ]
            # shares need every sibling's main effect: none when rows are too few
            total = np.nan if self.effects_short(node, kids) else np.nansum(effects)
            for child, eta in zip(kids, effects, strict=True):
                r = self.corr(child, node)[0]
                w = used[child] if relation == "child" else effective[child]
                share = eta / total if total > 0 and np.isfinite(eta) else np.nan
                ratio = share / w if w and np.isfinite(share) else np.nan
                for key, value in (
                    ("node", node),
                    ("child", child),
                    ("relation", relation),
                    ("weight", w),
                    ("effective_weight", effective[child]),
                    ("r2", r * r),
                    ("main_effect", eta),
                    ("main_effect_share", share),
                    ("ratio", ratio),
                ):
                    cols[key].append(value)
        n = len(cols["node"])
        frame = pl.DataFrame(
            {
                "node": pl.Series(cols["node"], dtype=pl.String),
                "child": pl.Series(cols["child"], dtype=pl.String),
                "period": self._period_col(n),
                **{
                    k: _floats(cols[k])
                    for k in (
                        "weight",
                        "effective_weight",
                        "r2",
                        "main_effect",
                        "main_effect_share",
                        "ratio",
                    )
                },
                "relation": pl.Series(cols["relation"], dtype=pl.String),
            }
        )
        return frame


def _floats(values: Sequence[Any]) -> pl.Series:
    """Float64 values, NaN and None → null."""
    clean = [
        None if v is None or (isinstance(v, float) and not np.isfinite(v)) else float(v)
        for v in values
    ]
    return pl.Series(clean, dtype=pl.Float64)


# --------------------------------------------------------------------------- flags


def flag_frame(out: AuditResult, frames: _Audit, tree: Tree) -> pl.DataFrame:
    """Every finding of §9.1 as a row with a plain-language message and advice."""
    found = findings(
        frames.corr,
        tree.children,
        tree.info,
        frames.th,
        out.cronbach,
        out.pca,
        out.importance,
    )
    return findings_frame(found, out.period, out.correlations["period"].dtype)
