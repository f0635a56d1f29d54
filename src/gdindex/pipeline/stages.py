"""`compute(spec, data) -> IndexResult`: the fixed stage order of DESIGN §1.

load → check → denominate → impute → treat → normalise → weight → aggregate → rank →
growth. Every stage's output is kept in `IndexResult.stages`. This module never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from gdindex.errors import DataError, IssueLog, examples, zh_text
from gdindex.io import Dataset, load_data, row_blocks
from gdindex.methods import growth
from gdindex.methods.aggregate import aggregate_node
from gdindex.pipeline.gaps import gap_warnings
from gdindex.pipeline.normalise import normalise_values
from gdindex.pipeline.prepare import Prepared, prepare
from gdindex.pipeline.result import (
    BLOCK_ROWS,
    IndexResult,
    NodeInfo,
    _Frames,
    _steps_frame,
)
from gdindex.pipeline.tree_weights import (
    ChildValues,
    NodeWeights,
    Weighting,
    node_weights,
)
from gdindex.spec import IndexSpec, NodeSpec, Period, check_spec, load_spec, node_paths


def compute(
    spec: IndexSpec | str | Path,
    data: pl.DataFrame | Sequence[pl.DataFrame] | None = None,
    *,
    dataset: Dataset | None = None,
    ready: Callable[[dict[str, Callable[[], Iterable[pl.DataFrame]]]], None]
    | None = None,
) -> IndexResult:
    """Compute the index of `spec`.

    Args:
        spec: a spec (or the path of a spec file).
        data: optional in-memory tables replacing the spec's `data` entries in order
            (same columns as the files would have).
        dataset: an already loaded `load_data(spec)` to reuse (e.g. by `compare`,
            for two specs reading the same tables); `data` is then ignored.
        ready: called with builders of result tables as soon as they can be
            built, so that other threads can build and write them while the
            computation goes on (`pipeline.outputs.compute_outputs`); it must
            return promptly. A builder gives its table as consecutive row blocks.
            First, once every data error has been ruled out, with `indicators`
            (`IndexResult.indicator_blocks()`) and `contributions`
            (`IndexResult.contribution_blocks()`); then, once the ranks and growth
            are known, with `scores` (`IndexResult.scores`).

    Raises:
        SpecError: the spec is invalid.
        DataError: the data do not fit the spec, or a method cannot be applied.
    """
    if not isinstance(spec, IndexSpec):
        spec = load_spec(spec)
    frames = [data] if isinstance(data, pl.DataFrame) else data
    log = IssueLog()
    log.extend(i for i in check_spec(spec) if i.severity == "warning")
    for note in spec.override_notes:
        log.warn("--set", str(note), code="override", message_zh=zh_text(note))
    if dataset is None:
        dataset = load_data(spec, frames)
    log.extend(dataset.issues)
    units, periods = dataset.units, dataset.periods
    raw = dataset.values

    prep = prepare_dataset(spec, dataset, log)
    log.raise_if_errors(DataError, "cannot prepare the data", "无法完成数据预处理")
    prepared = prep.treated
    normalised = normalise_values(prepared, spec, units, periods, log)
    log.raise_if_errors(DataError, "cannot normalise the data", "无法完成数据标准化")

    nodes, node_values, derived = _aggregate_tree(
        spec, normalised, prepared, units, periods, log
    )
    log.raise_if_errors(DataError, "cannot aggregate the tree", "无法完成指标树聚合")
    # From here on nothing raises a DataError, and the arrays above are only read.
    builder = _Frames(spec, dataset, nodes, derived)

    def indicator_blocks(rows: int | None) -> Iterator[pl.DataFrame]:
        flags = _flag_column(prep)
        return builder.indicator_blocks(raw, prep.treated, normalised, flags, rows)

    def contribution_blocks(rows: int | None) -> Iterator[pl.DataFrame]:
        return builder.contribution_blocks(node_values, rows)

    if ready is not None:
        ready(
            {
                "indicators": lambda: indicator_blocks(BLOCK_ROWS),
                "contributions": lambda: contribution_blocks(BLOCK_ROWS),
            }
        )

    S = np.stack([node_values[n.id] for n in nodes])  # [node, unit, period]
    R = growth.ranks(S)
    G = growth.growth_pct(S)
    C = growth.changes(S)
    huge = np.isinf(G)
    if huge.any():  # S_t / S_{t-1} beyond the float range: missing, and said so
        cells = [
            (nodes[n].id, units[u], periods[t])
            for n, u, t in zip(*np.nonzero(huge), strict=True)
        ]
        log.warn(
            "growth_pct",
            f"growth is too large to be a number for {examples(cells)} (a previous "
            "score of almost 0); it is left missing",
            "use `change` for these, or normalise onto a range such as [1, 100]",
            "non-finite",
            message_zh=f"{examples(cells, lang='zh')} 的增速过大，无法表示为数值"
            "（上期得分几乎为 0），按缺失处理",
            hint_zh="这些情况请看变化量（`change`），或标准化到 [1, 100] 这样的区间",
        )
        G = np.where(huge, np.nan, G)
    scores = builder.scores(S, R, C, G, growth.rank_changes(R))
    if ready is not None:
        ready({"scores": lambda: row_blocks(scores, BLOCK_ROWS)})
    groups = builder.groups(S)
    gap_warnings(spec, nodes, units, periods, S, groups, dataset.unit_table, log)
    weighting = Weighting(
        spec, derived, from_data=any(nw.from_data for nw in derived.values())
    )

    def stages() -> dict[str, pl.DataFrame]:
        arrays = {
            "raw": raw,
            "denominated": prep.denominated,
            "imputed": prep.imputed,
            "screened": prep.screened,
            "treated": prep.treated,
            "normalised": normalised,
        }
        made: dict[int, pl.DataFrame] = {}  # stages a step left alone share a frame
        out = {}
        for name, arr in arrays.items():
            if id(arr) not in made:
                made[id(arr)] = builder.wide(arr)
            out[name] = made[id(arr)]
        out["aggregated"] = builder.wide_nodes(S)
        return out

    return IndexResult(
        spec=spec,
        units=dataset.unit_table,
        periods=periods,
        nodes=nodes,
        scores=scores,
        weights=weighting.frame(),
        weighting=weighting,
        groups=groups,
        quadrants=builder.quadrants(S, G, C),
        issues=log.issues,
        inputs=dataset.inputs,
        preparation=_steps_frame(prep.steps),
        _lazy={
            "stages": stages,
            "indicators": lambda: next(indicator_blocks(None)),
            "indicator_blocks": indicator_blocks,
            "contributions": lambda: pl.concat(list(contribution_blocks(None))),
            "contribution_blocks": contribution_blocks,
            "cagr": lambda: builder.cagr(S),
        },
    )


def prepare_dataset(spec: IndexSpec, dataset: Dataset, log: IssueLog) -> Prepared:
    """`prepare` the dataset's raw values as the spec says, with its denominators
    and group labels (problems go to `log`)."""
    return prepare(
        dataset.values,
        spec,
        dataset.units,
        dataset.periods,
        log,
        denominators=denominators_of(spec, dataset),
        groups=groups_of(spec, dataset),
    )


def denominators_of(spec: IndexSpec, dataset: Dataset) -> dict[str, np.ndarray]:
    """Denominator columns by name; an indicator named as a denominator gives its
    raw values."""
    out = dict(dataset.denominators)
    index_of = {ind.id: i for i, ind in enumerate(spec.indicators)}
    for ind in spec.indicators:
        name = ind.denominator
        if name is not None and name not in out and name in index_of:
            out[name] = dataset.values[:, :, index_of[name]]
    return out


def groups_of(spec: IndexSpec, dataset: Dataset) -> dict[str, np.ndarray]:
    """Group label of every unit in every period (`[unit, period]`, object), by
    grouping column: a units table in panel form may move a unit between groups."""
    columns = [g.column for g in spec.units.groups] if spec.units else []
    return {c: dataset.groups[c] for c in columns if c in dataset.groups}


def _flag_column(prep: Prepared) -> pl.Series:
    """The `flag` column of the long indicator table (indicator-major order)."""
    if not prep.flags.any():  # no step touched a cell: no codes to look up
        return pl.repeat(None, prep.flags.size, dtype=pl.String, eager=True).alias(
            "flag"
        )
    codes, texts = prep.flag_codes()  # [unit, period, indicator]
    flat = pl.Series("flag", codes.transpose(2, 0, 1).reshape(-1))
    return flat.replace_strict(texts, default=None, return_dtype=pl.String)


def _warn_negative_by_construction(spec: IndexSpec, log: IssueLog) -> None:
    """Warn when a mean can be negative because children are ≤ 0 by construction:
    `vector` with direction −1 scores `−raw / √Σraw² · 100` (DESIGN formulas §6),
    so an arithmetic (or power) mean over such children — and every node above
    them — can be negative. TOPSIS reads them as distances and is unaffected."""
    indicators = spec.indicator_map
    found: dict[str, list[str]] = {}

    def visit(node: NodeSpec) -> None:
        kids = node.children or []
        if not kids:
            return
        if spec.aggregate_for(node).method != "topsis":
            for c in kids:
                ind = indicators.get(c.id) if c.is_leaf else None
                if (
                    ind is not None
                    and ind.direction == -1
                    and spec.normalise_for(ind).method == "vector"
                ):
                    found.setdefault(node.id, []).append(c.id)
        for c in kids:
            visit(c)

    visit(spec.tree)
    if not found:
        return
    shown = "; ".join(f"{node}: {', '.join(ids)}" for node, ids in found.items())
    log.warn(
        "normalise",
        "vector normalisation of a lower-is-better indicator scores every unit "
        f"≤ 0, so these nodes' means (and the index) can be negative: {shown}",
        "aggregate these children with `aggregate: {method: topsis}` (vector "
        "normalisation is TOPSIS's), or normalise them with `minmax` (e.g. "
        "`range: [1, 100]`) so that scores stay positive",
        "negative-by-construction",
        message_zh="对逆向指标做向量归一化会使每个地区的得分 ≤ 0，因此下列节点的均值"
        f"（以及总指数）可能为负：{shown}",
        hint_zh="请用 `aggregate: {method: topsis}` 聚合这些子节点（向量归一化是 "
        "TOPSIS 所用的方法），或改用 `minmax` 标准化（例如 `range: [1, 100]`），"
        "使得分保持为正",
    )


def _aggregate_tree(
    spec: IndexSpec,
    normalised: np.ndarray,
    prepared: np.ndarray,
    units: list[str],
    periods: list[Period],
    log: IssueLog,
) -> tuple[list[NodeInfo], dict[str, np.ndarray], dict[str, NodeWeights]]:
    """Aggregate bottom-up; each node's weights come from its children's values."""
    index_of = {ind.id: i for i, ind in enumerate(spec.indicators)}
    indicators = spec.indicator_map
    paths = {node.id: path for node, path in node_paths(spec)}
    values: dict[str, np.ndarray] = {}
    nodes: list[NodeInfo] = []
    derived: dict[str, NodeWeights] = {}

    def visit(node: NodeSpec, depth: int, parent: str | None) -> np.ndarray:
        if node.is_leaf:
            ind = indicators[node.id]
            method = spec.normalise_for(ind).method
            nodes.append(
                NodeInfo(
                    node.id,
                    "indicator",
                    depth,
                    parent,
                    ind.name.get("zh"),
                    ind.name.get("en"),
                    method,
                )
            )
            result = normalised[:, :, index_of[node.id]]
        else:
            agg = spec.aggregate_for(node)
            kind = "index" if depth == 0 else "aggregate"
            name = node.name
            nodes.append(
                NodeInfo(
                    node.id,
                    kind,
                    depth,
                    parent,
                    name.get("zh") if name else node.id,
                    name.get("en") if name else node.id,
                    agg.method,
                )
            )
            kids = node.children or []
            children = [visit(c, depth + 1, node.id) for c in kids]
            X = np.stack(children, axis=-1)

            def raw(kids: list[NodeSpec] = kids) -> np.ndarray:
                return np.stack(
                    [
                        prepared[:, :, index_of[c.id]] if c.is_leaf else values[c.id]
                        for c in kids
                    ],
                    axis=-1,
                )

            where = spec.weights_where(paths[node.id], node)

            def scores(X: np.ndarray = X) -> np.ndarray:
                return X

            pool = ChildValues(periods, scores, raw)
            nw = node_weights(spec, node, where, pool, log)
            derived[node.id] = nw
            result = aggregate_node(
                node.id,
                X,
                nw.weights,
                agg,
                units,
                periods,
                log,
                children=[c.id for c in kids],
            )
        values[node.id] = result
        return result

    visit(spec.tree, 0, None)
    _warn_negative_by_construction(spec, log)
    order = {node_id: i for i, node_id in enumerate(paths)}
    return nodes, values, dict(sorted(derived.items(), key=lambda kv: order[kv[0]]))
